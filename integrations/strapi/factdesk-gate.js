'use strict';
// factdesk's publish gate for Strapi 5: a document service middleware that asks factdesk before a document of
// the configured content types is published, and refuses the publish, with the blockers, while the gate is
// closed. Install: copy this file to src/ and register it in src/index.js (see README.md next to this file).

const DEFAULT_TIMEOUT_MS = 2000;

class GateClosed extends Error {}

// Ask factdesk's gate for one Strapi document: {publishable, reason, blockers, draft_id} or, when factdesk
// could not answer (down, slow, an error), {unavailable: <why>}. A document factdesk never received is closed.
async function askGate(options, documentId, sourceVersion) {
  const base = options.url.replace(/\/+$/, '');
  const query = sourceVersion ? `?source_version=${encodeURIComponent(sourceVersion)}` : '';
  const target = `${base}/api/v1/integrations/${encodeURIComponent(options.integration)}/documents/`
    + `${encodeURIComponent(documentId)}/gate${query}`;
  try {
    const response = await fetch(target, {
      headers: { Authorization: `Bearer ${options.token}`, Accept: 'application/json' },
      signal: AbortSignal.timeout(options.timeoutMs || DEFAULT_TIMEOUT_MS),
    });
    if (response.status === 404) {
      return { publishable: false, reason: 'unknown_document', blockers: [] };
    }
    if (!response.ok) {
      return { unavailable: `factdesk answered HTTP ${response.status}` };
    }
    return await response.json();
  } catch (error) {
    return { unavailable: `factdesk could not be reached (${error.name === 'TimeoutError' ? 'timeout' : error.message})` };
  }
}

// The editor's message: why the gate is closed, which claims block, where to look.
function refusal(answer, options) {
  const blockers = answer.blockers && answer.blockers.length
    ? ` Claims blocking it: ${answer.blockers.join(', ')}.` : '';
  const where = answer.draft_id ? ` See ${options.url.replace(/\/+$/, '')}/desk/drafts/${answer.draft_id}.` : '';
  const why = {
    not_approved: 'an editor has not approved this text',
    blockers: 'claims in this text have blocking verdicts',
    not_current: 'factdesk has not checked this version of the text yet (save, wait for the check, then publish)',
    pending_save: 'factdesk is still receiving the latest save',
    unknown_document: 'factdesk has never received this document',
  }[answer.reason] || answer.reason;
  return `factdesk: not cleared for publication: ${why}.${blockers}${where}`;
}

// Decide one publish: resolves when it may go ahead, throws GateClosed (or options.errorClass) when not.
// failMode "closed" refuses while factdesk cannot answer; "open" lets it through (factdesk still reports an
// unapproved publication when the publish webhook reaches it).
async function checkPublish(options, documentId, sourceVersion) {
  const answer = await askGate(options, documentId, sourceVersion);
  const ErrorClass = options.errorClass || GateClosed;
  if (answer.unavailable) {
    if (options.failMode === 'open') {
      (options.log || console).warn(`factdesk gate: ${answer.unavailable}; publishing ${documentId} anyway (fail open)`);
      return answer;
    }
    throw new ErrorClass(`factdesk: the publish gate could not be asked, so publishing is refused: ${answer.unavailable}.`);
  }
  if (!answer.publishable) {
    throw new ErrorClass(refusal(answer, options));
  }
  return answer;
}

// Strapi's updatedAt, as the webhook sends it (factdesk keys the draft's versions on it).
function versionOf(entry) {
  return entry && entry.updatedAt ? new Date(entry.updatedAt).toISOString() : undefined;
}

// Fields Strapi writes itself on every save: they change no text.
const BOOKKEEPING = new Set(['id', 'documentId', 'createdAt', 'updatedAt', 'publishedAt', 'createdBy', 'updatedBy',
  'locale', 'localizations', 'status']);
const REMEMBERED = 1000; // saves that changed nothing, kept to map their new version back (oldest forgotten)

// What an editor wrote in a draft: every field but the bookkeeping, in a stable order.
function contentOf(entry) {
  return JSON.stringify(Object.keys(entry).filter((k) => !BOOKKEEPING.has(k)).sort().map((k) => [k, entry[k]]));
}

// The middleware: `strapi.documents.use(factdeskGate(strapi, {...}))`. Publishing is the `publish` action, and
// a `create` or `update` asked to be published at once (the REST API's default without ?status=draft).
//
// The admin panel's Publish (and the content manager's API) first saves the form as the draft, in the same
// transaction, then publishes: that save gives the draft a new updatedAt which factdesk cannot have received
// yet, so asking with it would refuse every publish from the panel. An update that changed no field is
// therefore remembered, and a publish of its version asks about the version before it, the same text.
function factdeskGate(strapi, options) {
  const uids = new Set(options.uids || []);
  const sameTextAs = new Map(); // "<documentId> <version>" -> the version of the same text before it
  const findDraft = (uid, documentId) => strapi.documents(uid).findOne({ documentId, status: 'draft' });

  async function rememberUnchanged(context, next) {
    const documentId = context.params?.documentId;
    const before = documentId ? await findDraft(context.uid, documentId) : null;
    const result = await next();
    const after = before ? await findDraft(context.uid, documentId) : null;
    if (before && after && versionOf(before) !== versionOf(after) && contentOf(before) === contentOf(after)) {
      const earlier = `${documentId} ${versionOf(before)}`;
      sameTextAs.set(`${documentId} ${versionOf(after)}`, sameTextAs.get(earlier) || versionOf(before));
      if (sameTextAs.size > REMEMBERED) sameTextAs.delete(sameTextAs.keys().next().value);
    }
    return result;
  }

  return async (context, next) => {
    if (!uids.has(context.uid)) {
      return next();
    }
    const publishing = context.action === 'publish'
      || ((context.action === 'create' || context.action === 'update') && context.params?.status === 'published');
    if (!publishing) {
      return context.action === 'update' ? rememberUnchanged(context, next) : next();
    }
    if (context.action !== 'publish') {
      // The text is written and published in one request: factdesk cannot have checked it.
      throw new (options.errorClass || GateClosed)('factdesk: a text cannot be written and published in one step; '
        + 'save it as a draft (?status=draft), let factdesk check it, then publish.');
    }
    const documentId = context.params?.documentId;
    const version = versionOf(await findDraft(context.uid, documentId));
    await checkPublish(options, documentId, sameTextAs.get(`${documentId} ${version}`) || version);
    return next();
  };
}

module.exports = { factdeskGate, checkPublish, askGate, refusal, GateClosed };
