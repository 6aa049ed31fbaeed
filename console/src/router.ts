import { createRouter, createWebHistory } from 'vue-router';
import MapView from './views/MapView.vue';

export function createConsoleRouter() {
  return createRouter({
    history: createWebHistory(),
    routes: [
      { path: '/', name: 'map', component: MapView },
      { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue') },
    ],
  });
}
