// Drives the Gmail emulator through Google's official Node.js client (@googleapis/gmail) and prints
// what it saw as one JSON document. Inputs (env): EMULATOR_ROOT (with trailing slash), TOKEN, MAILBOX.
'use strict';
const { gmail, auth } = require('@googleapis/gmail');

const root = process.env.EMULATOR_ROOT;
const token = process.env.TOKEN;
const mailbox = process.env.MAILBOX;

function b64url(text) {
  return Buffer.from(text, 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function main() {
  const oauth = new auth.OAuth2('conformance-client', 'secret');
  oauth.setCredentials({ access_token: token, expiry_date: Date.now() + 3600 * 1000 });
  // rootUrl per call, not globally: googleapis-common rewrites a global rootUrl with new URL('/gmail/...', root),
  // which drops a path prefix such as /google/, and never applies it to the /upload media URL.
  const api = gmail({ version: 'v1', auth: oauth });
  const o = { rootUrl: root };
  const out = {};

  out.profile = (await api.users.getProfile({ userId: 'me' }, o)).data;
  out.labelCount = (await api.users.labels.list({ userId: 'me' }, o)).data.labels.length;

  // list with q and pagination
  const page1 = (await api.users.messages.list({ userId: 'me', q: 'has:attachment OR in:sent', maxResults: 4 }, o)).data;
  const page2 = (await api.users.messages.list({ userId: 'me', q: 'has:attachment OR in:sent', maxResults: 4, pageToken: page1.nextPageToken }, o)).data;
  out.page1 = page1.messages.map((m) => m.id);
  out.page2 = page2.messages.map((m) => m.id);
  out.page1HasNext = typeof page1.nextPageToken === 'string';
  out.resultSizeEstimate = page1.resultSizeEstimate;
  out.labelFiltered = ((await api.users.messages.list({ userId: 'me', labelIds: ['INBOX', 'UNREAD'], maxResults: 500 }, o)).data.messages || []).map((m) => m.id);

  // get in every format, on a message with an attachment
  const withAttachment = (await api.users.messages.list({ userId: 'me', q: 'has:attachment', maxResults: 1 }, o)).data.messages[0].id;
  out.attachmentMessageId = withAttachment;
  const minimal = (await api.users.messages.get({ userId: 'me', id: withAttachment, format: 'minimal' }, o)).data;
  out.minimal = { keys: Object.keys(minimal).sort(), internalDate: minimal.internalDate, historyIdType: typeof minimal.historyId };
  const metadata = (await api.users.messages.get({ userId: 'me', id: withAttachment, format: 'metadata', metadataHeaders: ['From', 'Subject'] }, o)).data;
  out.metadataHeaders = metadata.payload.headers.map((h) => h.name);
  const full = (await api.users.messages.get({ userId: 'me', id: withAttachment, format: 'full' }, o)).data;
  const parts = [];
  (function walk(p) { parts.push({ partId: p.partId, mimeType: p.mimeType, filename: p.filename, attachmentId: p.body.attachmentId || null, size: p.body.size }); (p.parts || []).forEach(walk); })(full.payload);
  out.fullParts = parts;
  const raw = (await api.users.messages.get({ userId: 'me', id: withAttachment, format: 'raw' }, o)).data;
  out.rawBytes = Buffer.from(raw.raw, 'base64url').length;
  out.sizeEstimate = raw.sizeEstimate;
  const att = parts.find((p) => p.attachmentId);
  const attachment = (await api.users.messages.attachments.get({ userId: 'me', messageId: withAttachment, id: att.attachmentId }, o)).data;
  out.attachment = { size: attachment.size, decoded: Buffer.from(attachment.data, 'base64url').length, expected: att.size, filename: att.filename };

  // fields
  out.fieldsKeys = Object.keys((await api.users.messages.get({ userId: 'me', id: withAttachment, format: 'minimal', fields: 'id,labelIds' }, o)).data).sort();

  // threads
  const threads = (await api.users.threads.list({ userId: 'me', maxResults: 3 }, o)).data;
  out.threadIds = threads.threads.map((t) => t.id);
  const thread = (await api.users.threads.get({ userId: 'me', id: threads.threads[0].id, format: 'minimal' }, o)).data;
  out.thread = { id: thread.id, messageIds: thread.messages.map((m) => m.id) };

  // history after delivering mail through the control API
  const startHistoryId = out.profile.historyId;
  const delivered = await (await fetch(`${root}emulator/mailboxes/${encodeURIComponent(mailbox)}/messages`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from: 'Node Tester <node@acme.com>', subject: 'Hello from node', body: 'Delivered during conformance' }),
  })).json();
  out.delivered = delivered;
  const history = (await api.users.history.list({ userId: 'me', startHistoryId, historyTypes: ['messageAdded'] }, o)).data;
  out.history = { historyId: history.historyId, added: (history.history || []).flatMap((h) => (h.messagesAdded || []).map((a) => a.message.id)) };

  // send (JSON raw) and send (media upload through /upload/gmail/v1)
  const mime = `From: ${mailbox}\r\nTo: node@acme.com\r\nSubject: Re: Hello from node\r\n\r\nSent by the node client.\r\n`;
  out.sent = (await api.users.messages.send({ userId: 'me', requestBody: { raw: b64url(mime) } }, o)).data;
  out.uploaded = (await api.users.messages.send({ userId: 'me', requestBody: {}, media: { mimeType: 'message/rfc822', body: mime.replace('Re: Hello', 'Upload') } }, o)).data;

  // errors come back as GaxiosError with Google's JSON
  try {
    await api.users.messages.get({ userId: 'me', id: 'ffffffffffffffff' }, o);
    out.error = null;
  } catch (e) {
    out.error = { status: e.status || (e.response && e.response.status), message: e.message, reason: e.errors && e.errors[0] && e.errors[0].reason };
  }

  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + '\n');
  if (e && e.response) process.stderr.write(JSON.stringify(e.response.data) + '\n');
  process.exit(1);
});
