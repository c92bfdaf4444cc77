/**
 * The demo: a throwaway host (sshd, sudo, supervisor, Flask on 443, nftables
 * with policy drop) serving an old certificate; a new CA and certificate; the
 * bundled action run exactly as the runner would; then what changed.
 */
import { X509Certificate } from 'node:crypto';
import { Pki } from '../test/helpers/pki.ts';
import { TestHost, cleanUpOnInterrupt } from '../test/helpers/testhost.ts';

const say = (text: string): void => {
  process.stdout.write(`${text}\n`);
};
const heading = (text: string): void => {
  say(`\n\x1b[1m== ${text}\x1b[0m`);
};
const fingerprint = (pem: string): string => new X509Certificate(pem).fingerprint256;

const pki = new Pki();
let host: TestHost | undefined;
cleanUpOnInterrupt(() => {
  host?.destroy();
  pki.dispose();
});
try {
  heading('Making a CA and certificates with openssl');
  const root = pki.root('Demo');
  const intermediate = pki.intermediate('Demo', root);
  const sans = ['DNS:flask.demo.test', 'DNS:localhost', 'IP:127.0.0.1'];
  const old = pki.leaf('flask.demo.test', intermediate, { sans, endDays: 10 });
  const fresh = pki.leaf('flask.demo.test', intermediate, { sans, endDays: 90 });
  say(`old certificate  ${fingerprint(old.certPem)} (expires in 10 days)`);
  say(`new certificate  ${fingerprint(fresh.certPem)} (expires in 90 days)`);

  heading('Bringing up a throwaway host');
  host = TestHost.create({
    firewall: 'nftables',
    initial: { certPem: old.certPem + intermediate.certPem, keyPem: old.keyPem },
  });
  say(
    `host: its own network and mount namespaces (pid ${host.pid}); sshd on 127.0.0.1:22, user "deploy" with sudo`,
  );
  say(
    'app:  Flask (python3-flask) under supervisor, serving https on 443 from /ssl/cert.pem and /ssl/cert.key',
  );
  say('firewall: nftables, input policy drop, only 22 open:');
  say(host.ruleset().trimEnd());
  say(`host key: ${host.hostFingerprint}`);

  const inputs: Record<string, string> = {
    ...host.connectionInputs(),
    certificate: fresh.certPem + intermediate.certPem,
    'private-key': fresh.keyPem,
    'ca-bundle': root.certPem,
    domains: 'flask.demo.test, 127.0.0.1',
  };
  heading('The workflow step being run');
  say('- uses: flask-ssl-deploy/flask-ssl-deploy@v1');
  say('  with:');
  for (const [name, value] of Object.entries(inputs)) {
    const secret = ['private-key', 'ssh-key'].includes(name);
    const shown = secret ? '${{ secrets.* }}' : value.includes('\n') ? '<PEM text>' : value;
    say(`    ${name}: ${shown}`);
  }

  heading('Running node dist/index.js under Node 24, as the runner does');
  const run = host.runAction(inputs);
  say(
    run.stdout
      .split('\n')
      .filter(
        (line) =>
          !line.startsWith('::add-mask::') &&
          !line.startsWith('::group::') &&
          line !== '::endgroup::',
      )
      .join('\n')
      .trimEnd(),
  );
  if (run.stderr.trim() !== '') say(run.stderr.trimEnd());

  heading('Outputs');
  for (const [name, value] of Object.entries(run.outputs))
    say(`${name}: ${name === 'result' ? JSON.stringify(JSON.parse(value), null, 2) : value}`);

  heading('Job summary');
  say(
    run.summary
      .replace(/<\/t[hd]>/g, ' | ')
      .replace(/<\/tr>/g, '\n')
      .replace(/<[^>]+>/g, '')
      .replace(/\n{2,}/g, '\n')
      .trim(),
  );

  heading('The host afterwards');
  say(`served on 443: ${host.servedFingerprint('flask.demo.test')}`);
  say(host.run(['ls', '-la', '/ssl']).trimEnd());
  say(host.ruleset().trimEnd());
  say(
    run.status === 0
      ? '\n\x1b[32mThe step succeeded: the host serves the new certificate.\x1b[0m'
      : `\n\x1b[31mThe step failed (exit ${run.status ?? 'by signal'}).\x1b[0m`,
  );
  process.exitCode = run.status ?? 1;
} finally {
  heading('Tearing the host down');
  host?.destroy();
  pki.dispose();
  say('done');
}
