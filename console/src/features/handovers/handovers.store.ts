import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import {
  handoverListReplySchema,
  handoverReplySchema,
  type Handover,
  type HandoverContent,
  type HandoverStatusRecord,
  type HandoverSummary,
} from '@tansiq/shared';
import { ApiError, request } from '../../api/client.ts';
import { useSessionStore } from '../auth/session.store.ts';
import { useLiveStore } from '../live/live.store.ts';

/** Where the draft being typed stands: kept on this device, saved at the hub, or neither yet. */
export type SaveState = 'saved' | 'saving' | 'pending' | 'conflict' | 'refused';

interface LocalDraft {
  handoverId: string;
  /** The hub's revision this copy was typed on. */
  revision: number;
  content: HandoverContent;
  /** The hub's copy it was typed on: shown again when the hub is out of reach after a reload. */
  handover: Handover;
}

const SAVE_AFTER_MS = 800;
const RETRY_MS = 5_000;
const draftKey = (userId: string, handoverId: string) => `tansiq.handover-draft.${userId}.${handoverId}`;

/**
 * The handovers screen: the list of a centre's handovers, the one open, and the draft the
 * supervisor types. A draft is written to this device at every change and saved to the hub shortly
 * after (again after a dropped link or a reload), so nothing typed is lost; a save made on an
 * older revision than the hub's is refused by the hub and shown as a conflict, never overwritten.
 */
export const useHandoversStore = defineStore('handovers', () => {
  const session = useSessionStore();
  const live = useLiveStore();
  const list = ref<Array<HandoverSummary | HandoverStatusRecord>>([]);
  const current = ref<Handover | null>(null);
  const saveState = ref<SaveState>('saved');
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  let saving: Promise<void> | null = null;

  const editable = computed(
    () =>
      current.value !== null &&
      current.value.status === 'draft' &&
      session.user?.role === 'supervisor' &&
      session.user.centre === current.value.centre,
  );

  function local(handoverId: string): LocalDraft | null {
    const user = session.user;
    if (!user) return null;
    try {
      const raw = localStorage.getItem(draftKey(user.id, handoverId));
      return raw ? (JSON.parse(raw) as LocalDraft) : null;
    } catch {
      return null;
    }
  }
  function keepLocal(draft: LocalDraft | null, handoverId: string): void {
    const user = session.user;
    if (!user) return;
    if (draft) localStorage.setItem(draftKey(user.id, handoverId), JSON.stringify(draft));
    else localStorage.removeItem(draftKey(user.id, handoverId));
  }

  async function loadList(centre: string | null): Promise<void> {
    const query = centre ? `?centre=${encodeURIComponent(centre)}` : '';
    list.value = (await request('GET', `/api/v1/handovers${query}`, handoverListReplySchema)).handovers;
  }

  /** Shows a handover; a draft typed on this device and not yet saved is put back on top of it. */
  function show(h: Handover): void {
    const mine = local(h.id);
    if (mine && h.status === 'draft' && mine.revision === h.revision) {
      current.value = { ...h, content: mine.content };
      saveState.value = 'pending';
      scheduleSave(0);
      return;
    }
    if (mine && (h.status !== 'draft' || mine.revision !== h.revision)) {
      keepLocal(null, h.id);
      if (h.status === 'draft') saveState.value = 'conflict';
    } else saveState.value = 'saved';
    current.value = h;
  }

  async function open(id: string): Promise<void> {
    try {
      show((await request('GET', `/api/v1/handovers/${id}`, handoverReplySchema)).handover);
    } catch (err) {
      // No link: a draft typed on this device is shown from here and saved when the hub is back.
      const mine = err instanceof ApiError ? null : local(id);
      if (!mine) throw err;
      current.value = { ...mine.handover, content: mine.content };
      saveState.value = 'pending';
      scheduleSave(RETRY_MS);
    }
  }

  /** Opens (or creates) the draft of the caller's centre for the shift on now. */
  async function openDraft(): Promise<Handover> {
    const { handover } = await request('POST', '/api/v1/handovers', handoverReplySchema, {});
    show(handover);
    return handover;
  }

  /** A change typed into the draft: on this device at once, at the hub shortly after. */
  function edit(content: HandoverContent): void {
    const h = current.value;
    if (!h || !editable.value) return;
    current.value = { ...h, content };
    keepLocal(
      { handoverId: h.id, revision: h.revision, content, handover: local(h.id)?.handover ?? h },
      h.id,
    );
    saveState.value = 'pending';
    scheduleSave(SAVE_AFTER_MS);
  }

  function scheduleSave(ms: number): void {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => void save(), ms);
  }

  /** Sends the draft kept on this device; waits for a save already on its way. */
  async function save(): Promise<void> {
    if (saving) await saving;
    const h = current.value;
    const mine = h ? local(h.id) : null;
    if (!h || !mine) return;
    saveState.value = 'saving';
    saving = (async () => {
      try {
        const { handover } = await request('PATCH', `/api/v1/handovers/${h.id}`, handoverReplySchema, {
          content: mine.content,
          revision: mine.revision,
        });
        // What was typed meanwhile stays on top; it is saved on the new revision.
        const newer = local(h.id);
        const typedSince = newer && JSON.stringify(newer.content) !== JSON.stringify(mine.content);
        if (typedSince) {
          keepLocal({ ...newer, revision: handover.revision, handover }, h.id);
          current.value = { ...handover, content: newer.content };
          saveState.value = 'pending';
          scheduleSave(SAVE_AFTER_MS);
        } else {
          keepLocal(null, h.id);
          if (current.value?.id === h.id) current.value = handover;
          saveState.value = 'saved';
        }
      } catch (err) {
        if (err instanceof ApiError && err.status === 409) saveState.value = 'conflict';
        else if (err instanceof ApiError && err.status < 500) saveState.value = 'refused';
        else {
          // No link or the hub is restarting: kept on this device, tried again.
          saveState.value = 'pending';
          scheduleSave(RETRY_MS);
        }
      } finally {
        saving = null;
      }
    })();
    await saving;
  }

  /** Drops this device's copy and shows the hub's (after a conflict). */
  async function reload(): Promise<void> {
    const h = current.value;
    if (!h) return;
    keepLocal(null, h.id);
    await open(h.id);
  }

  async function act(path: string, body: unknown): Promise<void> {
    const h = current.value;
    if (!h) return;
    if (h.status === 'draft' && local(h.id)) await save();
    if (saveState.value === 'conflict' || saveState.value === 'refused') return;
    const { handover } = await request(
      'POST',
      `/api/v1/handovers/${h.id}/${path}`,
      handoverReplySchema,
      body,
    );
    current.value = handover;
  }

  // Another console (or the hub) changed a handover: the one shown is read again unless it is
  // being typed into here.
  watch(
    () => live.handoverRevision,
    () => {
      const h = current.value;
      if (h && !(h.status === 'draft' && local(h.id))) void open(h.id).catch(() => undefined);
    },
  );

  function clear(): void {
    clearTimeout(saveTimer);
    current.value = null;
    list.value = [];
    saveState.value = 'saved';
  }

  return {
    list,
    current,
    saveState,
    editable,
    loadList,
    open,
    openDraft,
    edit,
    save,
    reload,
    clear,
    submit: (answer?: string) => act('submit', answer ? { answer } : {}),
    giveBack: (question: string) => act('return', { question }),
    accept: () => act('accept', {}),
    addendum: (body: string) => act('addenda', { body }),
  };
});
