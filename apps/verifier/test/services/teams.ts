import { jsonOf, type ServiceReply, startFakeService } from './fake-service';

const WORKFLOW = /^\/workflows\/([0-9a-f]{32})\/triggers\/manual\/paths\/invoke$/;
const logicAppsError = (status: number, code: string, message: string): ServiceReply => ({
  status,
  body: { error: { code, message } },
});

/** Whether a body is a message with one Adaptive Card attachment, as the Workflows template reads it. */
function cardProblems(body: Record<string, unknown> | undefined): string[] {
  if (!body) return ['not JSON'];
  const attachments = body.attachments as Array<Record<string, unknown>> | undefined;
  const card = attachments?.[0]?.content as Record<string, unknown> | undefined;
  return [
    body.type === 'message' ? null : 'type must be message',
    Array.isArray(attachments) && attachments.length >= 1 ? null : 'attachments missing',
    attachments?.[0]?.contentType === 'application/vnd.microsoft.card.adaptive' ? null : 'contentType',
    card?.type === 'AdaptiveCard' ? null : 'content.type must be AdaptiveCard',
    typeof card?.version === 'string' ? null : 'content.version missing',
    Array.isArray(card?.body) && (card.body as unknown[]).length > 0 ? null : 'content.body empty',
    ...((card?.actions as Array<Record<string, unknown>> | undefined) ?? []).map((action) =>
      action.type === 'Action.OpenUrl' && typeof action.url === 'string' && typeof action.title === 'string'
        ? null
        : 'action',
    ),
  ].filter((p): p is string => p !== null);
}

/**
 * A stand-in for a Teams Workflows webhook (a Logic Apps "When a HTTP request is received"
 * trigger): checks the workflow id and its `sig`, answers 202 with no body; 401, 404 and 400 with
 * `{ error: { code, message } }`. (The real trigger accepts any JSON and fails the run later; this
 * one refuses a body the "Send webhook alerts to a channel" flow could not post, so tests see it.)
 */
export async function startTeamsService(
  workflowId = '0123456789abcdef0123456789abcdef',
  sig = 'S1g-secret_abcd',
) {
  const service = await startFakeService((request) => {
    const url = new URL(request.path, 'http://teams.invalid');
    const match = WORKFLOW.exec(url.pathname);
    if (request.method !== 'POST' || !match || match[1] !== workflowId) {
      return logicAppsError(404, 'WorkflowNotFound', 'The workflow could not be found.');
    }
    if (url.searchParams.get('sig') !== sig || url.searchParams.get('sp') === null) {
      return logicAppsError(
        401,
        'DirectApiInvalidAuthorizationSignature',
        'The provided authorization signature is not valid.',
      );
    }
    if (!String(request.headers['content-type']).startsWith('application/json')) {
      return logicAppsError(400, 'InvalidRequestContent', 'The request content is not valid JSON.');
    }
    const problems = cardProblems(jsonOf(request.body));
    if (problems.length > 0) return logicAppsError(400, 'InvalidRequestContent', problems.join('; '));
    return { status: 202 };
  });
  const webhookUrl = `${service.url}/workflows/${workflowId}/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${sig}`;
  return { ...service, webhookUrl, cards: () => service.accepted().map((r) => jsonOf(r.body)) };
}
