import type { Principal } from '@tansiq/shared';
import type { AlertsService } from '../alerts/alerts.service.ts';
import type { BriefsService } from '../briefs/briefs.service.ts';
import { contextOf } from './demo-alerts.ts';

type DemoUsers = Map<string, { id: string; role: Principal['role']; centre: string | null }>;

const MIGRATION_BRIEF = [
  '## التقييم',
  '',
  'ارتفعت أعداد المهاجرين غير النظاميين الذين يعبرون من النيجر نحو القطرون خلال الأسبوعين الأخيرين،',
  'مع تحوّل المسالك شرقاً بعيداً عن معبر التوم.',
  '',
  '- تزايد استخدام شاحنات البضائع لنقل المجموعات',
  '- نساء وأطفال ضمن المجموعات الأخيرة: الحاجة إلى رعاية طبية عند نقاط الاستقبال',
  '',
  '## التوصيات',
  '',
  '1. تعزيز الدوريات المشتركة على المسلك الشرقي',
  '2. تنسيق نقاط الاستقبال الإنسانية مع مركز الجنوب المشترك',
].join('\n');

/**
 * The studies archive's starting point: a published brief that cites a demo alert, and a second
 * brief waiting in the review queue of `analyst` (written by `analyst.review`, so `analyst` may
 * approve it: four eyes). Through the brief service, with its events and audit records.
 */
export async function publishDemoBriefs(
  briefs: BriefsService,
  alerts: AlertsService,
  users: DemoUsers,
): Promise<number> {
  const analyst = users.get('analyst');
  const reviewer = users.get('analyst.review');
  if (!analyst || !reviewer) return 0;
  const a = contextOf('analyst', analyst);
  const b = contextOf('analyst.review', reviewer);
  const cited = (await alerts.list(a, { limit: 20 })).find((x) => x.category === 'irregular_migration');
  const published = await briefs.create(
    a,
    {
      title: 'الهجرة غير النظامية عبر الحدود مع النيجر: تقدير أسبوعي',
      summary: 'تحوّل مسالك العبور شرقاً وارتفاع أعداد العابرين، مع حاجات إنسانية عند نقاط الاستقبال.',
      body: MIGRATION_BRIEF,
      language: 'ar',
      tags: ['threat:irregular_migration', 'region:south', 'sector:NER', 'crossing:TUMMO'],
      tlp: 'GREEN',
      recipients: ['SOUTH'],
      citedAlerts: cited ? [cited.id] : [],
    },
    null,
  );
  await briefs.submit(a, published.id, undefined, null);
  await briefs.approve(b, published.id, 'المصادر كافية', null);
  await briefs.publish(a, published.id, null);
  const queued = await briefs.create(
    b,
    {
      title: 'Fuel smuggling towards Tunisia: monthly outlook',
      summary: 'Subsidised fuel keeps leaving through the western crossings.',
      body: '## Outlook\n\nConvoys gather near **Ras Ajdir** before the weekend.\n\n- watch the coastal road\n- share plates with WEST',
      language: 'en',
      tags: ['threat:fuel_smuggling', 'region:west', 'crossing:RAS_AJDIR'],
      tlp: 'AMBER',
      recipients: ['WEST'],
      citedAlerts: [],
    },
    null,
  );
  await briefs.submit(b, queued.id, 'Ready for a second look', null);
  return 2;
}
