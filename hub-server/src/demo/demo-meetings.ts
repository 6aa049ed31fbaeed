import type { Principal } from '@tansiq/shared';
import type { MeetingsService } from '../meetings/meetings.service.ts';
import { contextOf } from './demo-alerts.ts';

type DemoUsers = Map<string, { id: string; role: Principal['role']; centre: string | null }>;

/**
 * Tomorrow's regional coordination meeting, GREEN so the wall board shows its title, with an agenda,
 * a decision of the last one and two action items (SOUTH's and EAST's), so the meetings screens,
 * the wall's action counts and a supervisor's "mark done" have something to show.
 */
export async function scheduleDemoMeeting(meetings: MeetingsService, users: DemoUsers): Promise<number> {
  const coordinator = users.get('coordinator');
  if (!coordinator) return 0;
  const as = contextOf('coordinator', coordinator);
  const day = 86_400_000;
  const meeting = await meetings.create(
    as,
    {
      title: 'الاجتماع التنسيقي الإقليمي لأمن الحدود',
      startsAt: new Date(Date.now() + day).toISOString(),
      place: 'طرابلس — مقر الفريق الفني المشترك',
      centres: ['EAST', 'WEST', 'SOUTH', 'STUDIES'],
      tlp: 'GREEN',
      agenda: [
        { text: 'تهريب الوقود عبر المنافذ الجنوبية' },
        { text: 'تنسيق الدوريات المشتركة على الحدود مع النيجر وتشاد' },
        { text: 'Cross-border irregular migration: the studies centre’s monthly brief' },
      ],
    },
    null,
  );
  await meetings.addDecision(as, meeting.id, 'تعزيز الدوريات المشتركة ليلاً قرب منفذ التوم', null);
  await meetings.addAction(
    as,
    meeting.id,
    {
      title: 'تسيير ثلاث دوريات مشتركة قرب التوم',
      centre: 'SOUTH',
      dueAt: new Date(Date.now() + 3 * day).toISOString(),
    },
    null,
  );
  await meetings.addAction(
    as,
    meeting.id,
    {
      title: 'Repair the radio relay at Jaghbub',
      centre: 'EAST',
      dueAt: new Date(Date.now() + 7 * day).toISOString(),
    },
    null,
  );
  return 1;
}
