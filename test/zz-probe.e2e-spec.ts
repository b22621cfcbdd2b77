import { it, expect } from '@jest/globals';
import { TestSystem } from './support/test-system.js';
it('probe', async () => {
  const s = await TestSystem.start();
  try {
    const r1 = await s.http('POST', '/jobs/email', { data: { to: 'a@example.com', subject: 's', body: 'b' } }, { 'idempotency-key': 'k1' });
    console.log('first', r1.status, r1.text, (s as any).producer.get ? '' : '');
    await new Promise((r) => setTimeout(r, 200));
    const r2 = await s.http('POST', '/jobs/email', { data: { to: 'a@example.com', subject: 's', body: 'b' } }, { 'idempotency-key': 'k1' });
    console.log('after 200ms', r2.status, r2.text);
    const r3 = await s.http('POST', '/jobs/email', 'data=1', { 'content-type': 'application/x-www-form-urlencoded' });
    console.log('form', r3.status, r3.text);
    const r4 = await s.http('POST', '/jobs/email', 'x', { 'content-type': 'application/xml' });
    console.log('xml', r4.status, r4.text);
    const r5 = await s.http('POST', '/jobs/email', 'x', { 'content-type': 'multipart/form-data; boundary=x' });
    console.log('multipart', r5.status, r5.text);
    expect(1).toBe(1);
  } finally { await s.close(); }
});
