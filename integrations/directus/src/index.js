// factdesk's publish gate for Directus: a blocking filter hook. Before Directus saves an update (or a create)
// that sets an item of the configured collections live (its status field to the published value), it asks
// factdesk's gate for that item and refuses the save, with the blockers in its message, while the gate is
// closed. Configured by environment variables (README.md next to this file):
//   FACTDESK_URL, FACTDESK_TOKEN, FACTDESK_INTEGRATION, FACTDESK_COLLECTIONS (comma-separated),
//   FACTDESK_STATUS_FIELD (status), FACTDESK_PUBLISHED_VALUE (published), FACTDESK_FAIL_MODE (closed|open),
//   FACTDESK_TIMEOUT_MS (2000).

const DEFAULT_TIMEOUT_MS = 2000;
// Fields Directus writes itself on every save: they change no text.
const BOOKKEEPING = new Set(['date_updated', 'user_updated', 'sort']);

export class GateClosed extends Error {
  constructor(message) {
    super(message);
    this.status = 403;
    this.code = 'FACTDESK_GATE_CLOSED';
  }
}

// Directus shows the editor an error's message only when it is one of its own (others become "An unexpected
// error occurred"): built with @directus/errors when the extension is (npm run build bundles it), else plain.
let DirectusGateClosed = null;
try {
  const { createError } = await import('@directus/errors');
  DirectusGateClosed = createError('FACTDESK_GATE_CLOSED', (extensions) => extensions.message, 403);
} catch {
  // Outside Directus (the tests): GateClosed carries the same code, status and message.
}

function gateClosed(message) {
  return DirectusGateClosed ? new DirectusGateClosed({ message }) : new GateClosed(message);
}

export function settingsFrom(env) {
  return {
    url: env.FACTDESK_URL,
    token: env.FACTDESK_TOKEN,
    integration: env.FACTDESK_INTEGRATION || 'directus',
    collections: new Set(String(env.FACTDESK_COLLECTIONS || '').split(',').map((c) => c.trim()).filter(Boolean)),
    statusField: env.FACTDESK_STATUS_FIELD || 'status',
    publishedValue: env.FACTDESK_PUBLISHED_VALUE || 'published',
    failMode: env.FACTDESK_FAIL_MODE === 'open' ? 'open' : 'closed',
    timeoutMs: Number(env.FACTDESK_TIMEOUT_MS) || DEFAULT_TIMEOUT_MS,
  };
}

// factdesk's answer for one item ({publishable, reason, blockers, draft_id}), or {unavailable: why}.
export async function askGate(settings, documentId) {
  const target = `${settings.url.replace(/\/+$/, '')}/api/v1/integrations/${encodeURIComponent(settings.integration)}`
    + `/documents/${documentId.split('/').map(encodeURIComponent).join('/')}/gate`;
  try {
    const response = await fetch(target, {
      headers: { Authorization: `Bearer ${settings.token}`, Accept: 'application/json' },
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
    if (response.status === 404) return { publishable: false, reason: 'unknown_document', blockers: [] };
    if (!response.ok) return { unavailable: `factdesk answered HTTP ${response.status}` };
    return await response.json();
  } catch (error) {
    return { unavailable: `factdesk could not be reached (${error.name === 'TimeoutError' ? 'timeout' : error.message})` };
  }
}

const WHY = {
  not_approved: 'an editor has not approved this text',
  blockers: 'claims in this text have blocking verdicts',
  not_current: 'factdesk has not checked this version of the text yet',
  pending_save: 'factdesk is still receiving the latest save',
  unknown_document: 'factdesk has never received this item',
};

export function refusal(answer, settings, documentId) {
  const blockers = answer.blockers && answer.blockers.length ? ` Claims blocking it: ${answer.blockers.join(', ')}.` : '';
  const where = answer.draft_id ? ` See ${settings.url.replace(/\/+$/, '')}/desk/drafts/${answer.draft_id}.` : '';
  return `factdesk: ${documentId} is not cleared for publication: ${WHY[answer.reason] || answer.reason}.${blockers}${where}`;
}

// The filter: returns the payload unchanged when the save may go ahead; throws GateClosed when not.
export async function checkSave(settings, payload, meta, log = console) {
  if (!settings.collections.has(meta.collection) || payload?.[settings.statusField] !== settings.publishedValue) {
    return payload;
  }
  const edits = Object.keys(payload).filter((f) => f !== settings.statusField && !BOOKKEEPING.has(f));
  if (edits.length || !meta.keys?.length) {
    // The text changes in the very save that publishes it (or the item is new): factdesk cannot have checked it.
    throw gateClosed(`factdesk: publish in a save of its own: ${edits.length ? `this save also changes ${edits.join(', ')}`
      : 'a new item'}, which factdesk has not checked. Save as a draft, let factdesk check it, then publish.`);
  }
  for (const key of meta.keys) {
    const documentId = `${meta.collection}/${key}`;
    const answer = await askGate(settings, documentId);
    if (answer.unavailable) {
      if (settings.failMode === 'open') {
        log.warn(`factdesk gate: ${answer.unavailable}; publishing ${documentId} anyway (fail open)`);
        continue;
      }
      throw gateClosed(`factdesk: the publish gate could not be asked, so publishing is refused: ${answer.unavailable}.`);
    }
    if (!answer.publishable) throw gateClosed(refusal(answer, settings, documentId));
  }
  return payload;
}

export default ({ filter }, { env, logger }) => {
  const settings = settingsFrom(env);
  filter('items.create', (payload, meta) => checkSave(settings, payload, { ...meta, keys: [] }, logger));
  filter('items.update', (payload, meta) => checkSave(settings, payload, meta, logger));
};
