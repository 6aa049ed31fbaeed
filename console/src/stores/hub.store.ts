import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ClientConfig } from '@tansiq/shared';
import { fetchClientConfig } from '../api/client.ts';

/** What the hub tells every console before login: version, tile server. */
export const useHubStore = defineStore('hub', () => {
  const config = ref<ClientConfig | null>(null);
  const unreachable = ref(false);

  async function load(): Promise<void> {
    try {
      config.value = await fetchClientConfig();
      unreachable.value = false;
    } catch {
      unreachable.value = true;
    }
  }

  return { config, unreachable, load };
});
