import { signAccessToken, type AuthUser } from '@crm/auth';
import { badInput, crmError } from '@crm/graphql';
import { envString } from '@crm/runtime';

/**
 * Creating a customer while converting a lead: the contacts subgraph owns contacts, so the
 * pipeline asks it, as the caller, through its public API (`createContact`) — the same
 * validation, the same `contact.created` event as any other contact. The call runs before
 * the pipeline's transaction: if it fails nothing is written here; if the pipeline's
 * transaction fails afterwards the new contact stays (a real customer, findable and reusable).
 *
 * Where: CONTACTS_URL (default http://127.0.0.1:4001/graphql; through the gateway works too).
 * Who: a short-lived token for the same user, role, branches and teams as the caller's.
 */
export class ContactsClient {
  constructor(private readonly url: () => string = () => envString('CONTACTS_URL', 'http://127.0.0.1:4001/graphql')) {}

  async createContact(
    user: AuthUser,
    input: { name: string; email: string | null; branchId: string | null } & Partial<Record<'phone' | 'countryCode' | 'nationalId' | 'street' | 'city', string | null>>,
    traceparent: string | undefined,
  ): Promise<{ id: string; name: string }> {
    const token = await signAccessToken(user, '2m');
    const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    if (traceparent) headers['traceparent'] = traceparent;
    let body: { data?: { createContact: { contact: { id: string; name: string } } }; errors?: { message: string; extensions?: Record<string, unknown> }[] };
    try {
      const response = await fetch(this.url(), {
        method: 'POST',
        headers,
        body: JSON.stringify({
          query: 'mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id name } } }',
          // Only the fields the lead has (the customer joins the lead's branch).
          variables: { input: Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined && v !== '')) },
        }),
        signal: AbortSignal.timeout(10_000),
      });
      body = (await response.json()) as typeof body;
    } catch (error) {
      throw crmError('INTERNAL_SERVER_ERROR', `the contacts service could not be reached: ${(error as Error).message}`);
    }
    const error = body?.errors?.[0];
    if (error) {
      if (error.extensions?.code === 'BAD_USER_INPUT') {
        throw badInput(`customer.${String(error.extensions.field ?? 'name')}`, `the contact could not be created: ${error.message}`);
      }
      throw crmError('INTERNAL_SERVER_ERROR', `the contacts service refused the contact: ${error.message}`);
    }
    return body.data!.createContact.contact;
  }
}
