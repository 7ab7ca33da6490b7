/** The email of a message window (core/notifications/message-digest.ts). */
import { describe, expect, it } from 'vitest';
import { formatMessageTime, renderMessageDigest } from '#core/notifications/message-digest.ts';

const ctx = {
  recipientName: 'Ana <Ruiz>',
  pathwayName: 'Health & Bio Academy',
  applicationId: 'app_01JD0000000000000000000000',
  baseUrl: 'https://app.example.org/',
};

describe('the message digest email', () => {
  it('lists each message with its author, time and text, and links to the thread', () => {
    const email = renderMessageDigest(
      [
        { author: 'Lead reviewer', at: '2026-12-06T09:05:00.000Z', body: 'Please add the partner letters.' },
        { author: 'Sam Staff', at: '2026-12-06T09:07:30.000Z', body: 'Line one\r\nLine two' },
      ],
      ctx,
    );
    expect(email.subject).toBe("2 new messages on Health & Bio Academy's application");
    expect(email.text).toContain('Hello Ana <Ruiz>,');
    expect(email.text).toContain('Lead reviewer, 6 Dec 2026, 09:05 UTC:\n  Please add the partner letters.');
    expect(email.text).toContain('Sam Staff, 6 Dec 2026, 09:07 UTC:\n  Line one\n  Line two');
    expect(email.text).toContain('Reply in the thread: https://app.example.org/applications/app_01JD0000000000000000000000/messages');
    expect(email.html).toContain('href="https://app.example.org/applications/app_01JD0000000000000000000000/messages"');
    expect(email.text.indexOf('Lead reviewer')).toBeLessThan(email.text.indexOf('Sam Staff'));
  });

  it('escapes every piece of user text in the HTML', () => {
    const email = renderMessageDigest(
      [{ author: '<img src=x onerror=alert(1)>', at: '2026-12-06T09:05:00.000Z', body: '<script>alert("x")</script> & \'q\'' }],
      ctx,
    );
    expect(email.subject).toBe("New message on Health & Bio Academy's application");
    expect(email.html).not.toContain('<script>');
    expect(email.html).not.toContain('<img');
    expect(email.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;');
    expect(email.html).toContain('Hello Ana &lt;Ruiz&gt;,');
    expect(email.html).toContain('Health &amp; Bio Academy');
  });

  it('needs at least one message; a neutral greeting without a name', () => {
    expect(() => renderMessageDigest([], ctx)).toThrow();
    const email = renderMessageDigest([{ author: 'Pat', at: 'not a time', body: 'x' }], {
      applicationId: 'app_x',
      baseUrl: 'http://localhost:5173',
    });
    expect(email.text.startsWith('Hello,\n')).toBe(true);
    expect(email.subject).toBe("New message on your pathway's application");
    expect(formatMessageTime('not a time')).toBe('not a time');
  });
});
