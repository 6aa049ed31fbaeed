import { createRouter, createWebHistory } from 'vue-router';
import { canAdminister, canReadBoard, canSeeTrends, canWriteBrief } from '@tansiq/shared';
import LoginView from './features/auth/LoginView.vue';
import { useSessionStore } from './features/auth/session.store.ts';

export function createConsoleRouter() {
  const router = createRouter({
    history: createWebHistory(),
    routes: [
      { path: '/login', name: 'login', component: LoginView, meta: { public: true } },
      // On demand, like every other screen: the sign-in page comes first over a slow link, without
      // the map library; LoginView fetches the board while the user types.
      { path: '/', name: 'board', component: () => import('./features/board/BoardView.vue') },
      // The wall screen: public (a screen with no session shows its pairing code), full screen.
      {
        path: '/wall',
        name: 'wall',
        component: () => import('./features/board-wall/WallView.vue'),
        meta: { public: true, bare: true },
      },
      {
        path: '/coordination',
        name: 'coordination',
        component: () => import('./features/board-wall/CoordinationView.vue'),
        meta: { coordination: true },
      },
      {
        path: '/meetings',
        name: 'meetings',
        component: () => import('./features/meetings/MeetingsView.vue'),
      },
      {
        path: '/meetings/:id',
        name: 'meeting',
        component: () => import('./features/meetings/MeetingView.vue'),
      },
      {
        path: '/meetings/:id/print',
        name: 'meeting-print',
        component: () => import('./features/meetings/MeetingPrint.vue'),
      },
      {
        path: '/handovers',
        name: 'handovers',
        component: () => import('./features/handovers/HandoversView.vue'),
      },
      {
        path: '/handovers/:id',
        name: 'handover',
        component: () => import('./features/handovers/HandoversView.vue'),
      },
      {
        path: '/handovers/:id/print',
        name: 'handover-print',
        component: () => import('./features/handovers/HandoverPrint.vue'),
      },
      { path: '/briefs', name: 'briefs', component: () => import('./features/briefs/BriefsView.vue') },
      {
        path: '/briefs/new',
        name: 'brief-new',
        component: () => import('./features/briefs/BriefEditor.vue'),
        meta: { writesBriefs: true },
      },
      {
        path: '/briefs/:id/edit',
        name: 'brief-edit',
        component: () => import('./features/briefs/BriefEditor.vue'),
        meta: { writesBriefs: true },
      },
      { path: '/briefs/:id', name: 'brief', component: () => import('./features/briefs/BriefReader.vue') },
      {
        path: '/trends',
        name: 'trends',
        component: () => import('./features/trends/TrendsView.vue'),
        meta: { trends: true },
      },
      {
        path: '/admin',
        name: 'admin',
        component: () => import('./features/admin/AdminHome.vue'),
        meta: { admin: true },
      },
      {
        path: '/admin/audit',
        name: 'audit',
        component: () => import('./features/admin/AuditView.vue'),
        meta: { admin: true },
      },
      {
        path: '/admin/devices',
        name: 'devices',
        component: () => import('./features/admin/DevicesView.vue'),
        meta: { admin: true },
      },
      {
        path: '/admin/users',
        name: 'users',
        component: () => import('./features/users/UsersView.vue'),
        meta: { admin: true },
      },
      { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue') },
    ],
  });

  // Every screen but the login needs a session; the admin screens need the policy's canAdminister.
  // The hub enforces the same on every call: this only spares the user a screen they cannot use.
  router.beforeEach(async (to) => {
    const session = useSessionStore();
    if (to.name === 'wall') {
      await session.restore();
      // Only boards and coordinators have a wall; anyone else signed in goes to their own screen.
      return !session.principal || canReadBoard(session.principal) ? true : { name: 'board' };
    }
    if (to.meta.public) return true;
    if (!(await session.restore()))
      return { name: 'login', query: to.fullPath === '/' ? {} : { next: to.fullPath } };
    // A wall screen's session has one screen.
    if (session.principal?.role === 'board') return { name: 'wall' };
    if (to.meta.admin && !(session.principal && canAdminister(session.principal))) return { name: 'board' };
    if (to.meta.coordination && session.principal?.role !== 'coordinator') return { name: 'board' };
    // An administrator reads no alerts: their landing page is the administration, never an empty board.
    if (to.name === 'board' && session.principal && canAdminister(session.principal))
      return { name: 'admin' };
    if (to.meta.trends && !(session.principal && canSeeTrends(session.principal))) return { name: 'board' };
    if (to.meta.writesBriefs && !(session.principal && canWriteBrief(session.principal)))
      return { name: 'briefs' };
    return true;
  });
  return router;
}
