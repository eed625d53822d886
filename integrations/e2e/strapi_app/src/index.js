// README.md's Strapi 5 install section, as written there; factdesk-gate.js is copied in by the e2e script.
const { factdeskGate } = require('./factdesk-gate');
const { errors } = require('@strapi/utils');
module.exports = { register({ strapi }) {
  if (process.env.E2E_CAPTURE) {
    // The e2e run's record of the document service calls each admin request makes (what the gate sees).
    const fs = require('node:fs');
    strapi.documents.use(async (context, next) => {
      const { data, ...params } = context.params || {};
      fs.appendFileSync(process.env.E2E_CAPTURE, `${JSON.stringify({ action: context.action, uid: context.uid,
        params, data_fields: data ? Object.keys(data).sort() : null })}\n`);
      return next();
    });
  }
  if (process.env.E2E_GATE === 'off') {
    return; // the e2e run's second part: Strapi without the gate publishes anything, and factdesk reverts it
  }
  strapi.documents.use(factdeskGate(strapi, { url: process.env.FACTDESK_URL, token: process.env.FACTDESK_TOKEN,
    integration: 'strapi', uids: ['api::article.article'], failMode: 'closed', errorClass: errors.ApplicationError }));
} };
