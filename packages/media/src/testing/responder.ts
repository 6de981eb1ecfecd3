/**
 * A called party that rings and then refuses: sipp playing a scenario written for the occasion,
 * so a test can meet every final response a carrier or phone gives (486 busy, 603 decline, 480,
 * 500...) and a CANCEL while ringing, which baresip alone cannot (its only refusal is 486).
 * The scenario is generated because sipp reads a receive timeout only as a literal number.
 *
 * @example
 * const busy = await startResponder({ local: '127.0.0.5', code: 486, reason: 'Busy Here', ringMs: 500 });
 * await phone.dial(`sip:+15550100100@${busy.target}`);
 * expect(await phone.waitFor('closed')).toMatch(/^486/);
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { removeDir, tempDir } from './processes.js';
import { type SippProcess, startSipp } from './sipp.js';

export interface ResponderOptions {
  local: string;
  port?: number;
  /** The final response, 300-699. */
  code: number;
  /** @default 'Refused' */
  reason?: string;
  /** How long it rings (180) before answering `code`; a CANCEL before then gets 200 and 487. @default 0 */
  ringMs?: number;
}

/** The XML of a sipp UAS that rings `ringMs`, then answers `code`, handling a CANCEL meanwhile. */
export function respondScenario(options: Omit<ResponderOptions, 'local' | 'port'>): string {
  const { code, reason = 'Refused', ringMs = 0 } = options;
  if (!Number.isInteger(code) || code < 300 || code > 699) throw new RangeError(`not a final refusal: ${code}`);
  if (!/^[A-Za-z0-9 .'-]{1,64}$/.test(reason)) throw new RangeError(`unsafe reason phrase ${JSON.stringify(reason)}`);
  if (!Number.isInteger(ringMs) || ringMs < 0 || ringMs > 600_000) throw new RangeError(`ringMs ${ringMs}`);
  const response = (status: string, cseq = '[last_CSeq:]') => `  <send>
    <![CDATA[
      SIP/2.0 ${status}
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      ${cseq}
      Contact: <sip:uas@[local_ip]:[local_port];transport=[transport]>
      Content-Length: 0

    ]]>
  </send>`;
  // The INVITE's CSeq is kept: the 487 answers the INVITE, though the last message is the CANCEL.
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="respond ${code}">
  <recv request="INVITE">
    <action><ereg regexp="[0-9]+ INVITE" search_in="hdr" header="CSeq:" assign_to="invite_cseq" /></action>
  </recv>
${response('180 Ringing')}
  <recv request="CANCEL" timeout="${Math.max(1, ringMs)}" ontimeout="respond" />
${response('200 OK')}
${response('487 Request Terminated', 'CSeq: [$invite_cseq]')}
  <recv request="ACK" next="done" />
  <label id="respond" />
${response(`${code} ${reason}`)}
  <recv request="ACK" />
  <label id="done" />
</scenario>
`;
}

/** Starts sipp answering every INVITE as `respondScenario` describes; kill() it after the test. */
export async function startResponder(options: ResponderOptions): Promise<SippProcess> {
  const dir = await tempDir('patchbay-responder-');
  const path = join(dir, 'respond.xml');
  await writeFile(path, respondScenario(options));
  const sipp = await startSipp({
    scenario: path,
    local: options.local,
    ...(options.port ? { port: options.port } : {}),
  });
  // sipp has read its scenario by the time its port is bound.
  removeDir(dir);
  return sipp;
}
