import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Centre, CreateUser, PatchUser, User } from '@tansiq/shared';
import * as usersApi from './users.api.ts';

export const useUsersStore = defineStore('users', () => {
  const users = ref<User[]>([]);
  const centres = ref<Centre[]>([]);
  const loading = ref(false);

  async function load(): Promise<void> {
    loading.value = true;
    try {
      const [u, c] = await Promise.all([usersApi.listUsers(), usersApi.listCentres()]);
      users.value = u.users;
      centres.value = c.centres;
    } finally {
      loading.value = false;
    }
  }

  function replace(user: User): void {
    const i = users.value.findIndex((u) => u.id === user.id);
    if (i >= 0) users.value[i] = user;
    else users.value = [...users.value, user].sort((a, b) => a.username.localeCompare(b.username));
  }

  async function create(input: CreateUser): Promise<void> {
    replace((await usersApi.createUser(input)).user);
  }

  async function update(id: string, patch: PatchUser): Promise<void> {
    replace((await usersApi.updateUser(id, patch)).user);
  }

  const resetPassword = usersApi.resetPassword;

  return { users, centres, loading, load, create, update, resetPassword };
});
