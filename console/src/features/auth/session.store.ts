import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { userSchema, type LoginRequest, type Principal, type TokenPair, type User } from '@tansiq/shared';
import { ApiError, useTokenSource } from '../../api/client.ts';
import * as authApi from './auth.api.ts';

// Per browser tab and gone when the browser closes: centre terminals are shared between shifts.
const REFRESH_KEY = 'tansiq.refreshToken';
// A wall screen's board session outlives a restart of the screen (it was paired, not signed in).
const DEVICE_REFRESH_KEY = 'tansiq.device.refreshToken';
// The signed-in user's profile, so a reload while the hub is out of reach still opens the console.
const USER_KEY = 'tansiq.user';
const RETRY_RENEW_MS = 10_000;

/** The signed-in user, the access token (memory only) and its silent renewal. */
export const useSessionStore = defineStore('session', () => {
  const user = ref<User | null>(null);
  const accessToken = ref<string | null>(null);
  let renewTimer: ReturnType<typeof setTimeout> | undefined;
  let renewing: Promise<boolean> | null = null;

  const principal = computed<Principal | null>(() =>
    user.value ? { userId: user.value.id, role: user.value.role, centre: user.value.centre } : null,
  );

  function apply(pair: TokenPair): void {
    user.value = pair.user;
    accessToken.value = pair.accessToken;
    if (pair.user.role === 'board') localStorage.setItem(DEVICE_REFRESH_KEY, pair.refreshToken);
    else sessionStorage.setItem(REFRESH_KEY, pair.refreshToken);
    (pair.user.role === 'board' ? localStorage : sessionStorage).setItem(USER_KEY, JSON.stringify(pair.user));
    clearTimeout(renewTimer);
    // Renew at four fifths of the token's life, well before the hub would refuse it.
    renewTimer = setTimeout(() => void renew(), pair.expiresIn * 800);
  }

  function clear(): void {
    clearTimeout(renewTimer);
    user.value = null;
    accessToken.value = null;
    sessionStorage.removeItem(REFRESH_KEY);
    sessionStorage.removeItem(USER_KEY);
    localStorage.removeItem(DEVICE_REFRESH_KEY);
    localStorage.removeItem(USER_KEY);
  }

  /** Single flight: concurrent callers share one refresh (a refresh token works once). */
  function renew(): Promise<boolean> {
    // Cleared in a callback: a call that returns before its first await would otherwise leave a
    // settled promise here and every later renewal would get its stale answer.
    renewing ??= renewOnce().finally(() => {
      renewing = null;
    });
    return renewing;
  }

  async function renewOnce(): Promise<boolean> {
    const stored = sessionStorage.getItem(REFRESH_KEY) ?? localStorage.getItem(DEVICE_REFRESH_KEY);
    if (!stored) return false;
    try {
      apply(await authApi.refresh(stored));
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        clear();
        return false;
      }
      // The hub is out of reach: keep the session as it is (the console works from what it
      // stored) and try again shortly; nothing is shown as sent until the hub says so.
      const cached = sessionStorage.getItem(USER_KEY) ?? localStorage.getItem(USER_KEY);
      if (!user.value && cached) user.value = userSchema.parse(JSON.parse(cached));
      clearTimeout(renewTimer);
      renewTimer = setTimeout(() => void renew(), RETRY_RENEW_MS);
      return false;
    }
  }

  useTokenSource({ current: () => accessToken.value, renew });

  async function login(input: LoginRequest): Promise<void> {
    apply(await authApi.login(input));
  }

  /** A wall screen paired by an administrator received its board session. */
  function adoptDeviceSession(pair: TokenPair): void {
    apply(pair);
  }

  async function logout(): Promise<void> {
    try {
      if (accessToken.value) await authApi.logout();
    } finally {
      clear();
    }
  }

  /**
   * On page load: a refresh token left in this tab restores the session; when the hub cannot be
   * reached, the stored profile opens the console offline until a renewal succeeds.
   */
  async function restore(): Promise<boolean> {
    if (user.value) return true;
    return (await renew()) || user.value !== null;
  }

  /** The hub ended the session (revoked, disabled): forget it here too. */
  function endLocally(): void {
    clear();
  }

  return { user, accessToken, principal, login, logout, restore, renew, endLocally, adoptDeviceSession };
});
