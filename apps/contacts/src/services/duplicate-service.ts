import type { DataSource } from 'typeorm';
import { requireUser } from '@crm/auth';
import { badInput, notFound } from '@crm/graphql';
import { isUuid } from '@crm/runtime';
import type { BaseContext } from '@crm/service';
import { NAME_SIMILARITY_THRESHOLD, rankDuplicates, type DuplicateSignal, type RankedDuplicate } from '../domain/duplicate-score';
import { CONTACT_SELECT, contactScope, rowToContact, type ContactRecord } from './contact-sql';
import { loadContacts } from './contact-store';
import type { Row } from './sql-util';

/**
 * Likely duplicates of a contact among the active contacts the caller may see: the same
 * national id, tax id, e-mail or phone (phone and mobile compared both ways, E.164), or a
 * similar name (trigram) under the same parent. One query; scoring in domain/duplicate-score.
 */
export class DuplicateService {
  constructor(private readonly dataSource: DataSource) {}

  async find(id: string, first: number, ctx: BaseContext): Promise<RankedDuplicate<ContactRecord>[]> {
    const user = requireUser(ctx);
    if (!Number.isInteger(first) || first < 1 || first > 100) throw badInput('first', '`first` must be 1…100');
    if (!isUuid(id)) throw notFound('Contact', id);
    const [me] = await loadContacts(this.dataSource.manager, [id.toLowerCase()], { user });
    if (!me) throw notFound('Contact', id);
    const params: unknown[] = [me.id];
    const scope = contactScope(user, params, 'c');
    params.push(NAME_SIMILARITY_THRESHOLD);
    const threshold = `$${params.length}`;
    const rows: Row[] = await this.dataSource.query(
      `WITH me AS (SELECT * FROM contacts.contact me WHERE me.id = $1)
       SELECT ${CONTACT_SELECT},
         (c.national_id = me.national_id) AS same_national_id,
         (c.tax_id = me.tax_id) AS same_tax_id,
         (c.email = me.email) AS same_email,
         (SELECT array_agg(DISTINCT p) FROM unnest(ARRAY[c.phone, c.mobile]) p WHERE p IS NOT NULL AND p IN (me.phone, me.mobile)) AS same_phones,
         CASE WHEN c.parent_id IS NOT DISTINCT FROM me.parent_id THEN public.similarity(c.name_key, me.name_key) ELSE 0 END AS name_similarity,
         me.name AS my_name
       FROM contacts.contact c CROSS JOIN me
       WHERE c.id <> me.id AND c.active AND ${scope} AND (
         c.national_id = me.national_id OR c.tax_id = me.tax_id OR c.email = me.email
         OR c.phone IN (me.phone, me.mobile) OR c.mobile IN (me.phone, me.mobile)
         OR (me.name_key OPERATOR(public.<%) c.search_text AND c.parent_id IS NOT DISTINCT FROM me.parent_id
             AND public.similarity(c.name_key, me.name_key) >= ${threshold}))
       LIMIT 1000`,
      params,
    );
    const entries = rows.map((row) => {
      const candidate = rowToContact(row);
      const signals: DuplicateSignal[] = [];
      if (row['same_national_id']) signals.push({ reason: 'NATIONAL_ID', strength: 1, detail: candidate.nationalId! });
      if (row['same_tax_id']) signals.push({ reason: 'TAX_ID', strength: 1, detail: candidate.taxId! });
      if (row['same_email']) signals.push({ reason: 'EMAIL', strength: 1, detail: candidate.email! });
      if (row['same_phones']?.length) signals.push({ reason: 'PHONE', strength: 1, detail: row['same_phones'].join(', ') });
      const similarity = Number(row['name_similarity']);
      if (similarity >= NAME_SIMILARITY_THRESHOLD) {
        signals.push({ reason: 'SIMILAR_NAME', strength: similarity, detail: `"${candidate.name}" ~ "${row['my_name']}" (${similarity.toFixed(2)})` });
      }
      return { candidate, signals };
    });
    return rankDuplicates(entries).slice(0, first);
  }
}
