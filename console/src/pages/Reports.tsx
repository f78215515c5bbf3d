import { useEffect, useState, type FormEvent } from 'react';
import { downloadWithToken, useMutation, useQuery } from '../api';
import { graphql } from '../gql';
import type { ReportKind, ReportStatus, ReportsQuery, VerifyReportUploadQuery } from '../gql/graphql';
import { setQuery, useLocation } from '../router';
import { Badge, Empty, ErrorBox, PageTitle, Pager, QueryView, human, useCursorPages, when } from '../ui';

const ReportsDocument = graphql(`
  query Reports($first: Int!, $after: String, $kind: ReportKind, $status: ReportStatus) {
    reports(first: $first, after: $after, kind: $kind, status: $status) {
      nodes {
        id
        kind
        target
        from
        to
        status
        progress
        error
        packHash
        createdAt
        requestedByLabel
        files {
          name
          url
          bytes
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

const GenerateDocument = graphql(`
  mutation GenerateReport($input: GenerateReportInput!) {
    generateReport(input: $input) {
      id
      status
    }
  }
`);

const VerifyDocument = graphql(`
  query VerifyReportUpload($fileBase64: String!) {
    verifyReport(fileBase64: $fileBase64) {
      valid
      reason
      fileKind
      packHash
      reportId
      sha256
    }
  }
`);

type Report = ReportsQuery['reports']['nodes'][number];
const KINDS: ReportKind[] = ['MODEL', 'DATASET'];
const STATUSES: ReportStatus[] = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED'];

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function ReportsPage() {
  const { query } = useLocation();
  const kind = KINDS.find((k) => k === query.get('kind'));
  const status = STATUSES.find((s) => s === query.get('status'));
  const pages = useCursorPages(`${kind ?? ''}|${status ?? ''}`);
  const state = useQuery(ReportsDocument, { first: 20, after: pages.after, kind, status });
  // The pack just queued, until the list shows it (the first reload may run before it is listed).
  const [queued, setQueued] = useState<string>();
  const nodes = state.data?.reports.nodes;
  const running =
    (nodes?.some((r) => r.status === 'QUEUED' || r.status === 'RUNNING') ?? false) || (queued !== undefined && !nodes?.some((r) => r.id === queued));
  // Poll while a pack is being made, so progress moves on its own.
  useEffect(() => {
    if (!running) return;
    const t = setInterval(state.reload, 1000);
    return () => clearInterval(t);
  }, [running, state.reload]);
  return (
    <section>
      <PageTitle sub="Signed evidence packs for a model or a dataset over a period.">Compliance packs</PageTitle>
      <Generate
        onQueued={(id) => {
          setQueued(id);
          state.reload();
        }}
      />
      <div className="filters" role="group" aria-label="Filter packs">
        <label>
          Kind
          <select value={kind ?? ''} onChange={(e) => setQuery({ kind: e.target.value })}>
            <option value="">Any</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {human(k)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select value={status ?? ''} onChange={(e) => setQuery({ status: e.target.value })}>
            <option value="">Any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {human(s)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <QueryView state={state} what="packs">
        {({ reports }) =>
          reports.nodes.length === 0 ? (
            <Empty>No pack yet. Generate one above; it appears here with its progress.</Empty>
          ) : (
            <>
              <table>
                <thead>
                  <tr>
                    <th scope="col">Pack</th>
                    <th scope="col">Period</th>
                    <th scope="col">Status</th>
                    <th scope="col">Files</th>
                  </tr>
                </thead>
                <tbody>
                  {reports.nodes.map((r) => (
                    <ReportRow key={r.id} report={r} />
                  ))}
                </tbody>
              </table>
              <Pager
                page={pages.page}
                hasNext={reports.pageInfo.hasNextPage}
                onNext={() => pages.next(reports.pageInfo.endCursor)}
                onPrevious={pages.previous}
              />
            </>
          )
        }
      </QueryView>
      <Verify />
    </section>
  );
}

function ReportRow({ report: r }: { report: Report }) {
  const [error, setError] = useState<Error>();
  return (
    <tr>
      <td>
        <Badge>{human(r.kind)}</Badge> <code>{r.target}</code>
        <div className="muted small">
          requested {when(r.createdAt)} by {r.requestedByLabel ?? 'someone'}
        </div>
      </td>
      <td>
        {when(r.from)} – {when(r.to)}
      </td>
      <td>
        <Badge tone={r.status === 'SUCCEEDED' ? 'good' : r.status === 'FAILED' ? 'bad' : 'warn'}>{human(r.status)}</Badge>
        {(r.status === 'RUNNING' || r.status === 'QUEUED') && (
          <progress max={100} value={r.progress} aria-label={`Progress of the ${r.target} pack`}>
            {r.progress}%
          </progress>
        )}
        {r.error && <div className="small">{r.error}</div>}
        {r.packHash && (
          <div className="muted small" title={r.packHash}>
            pack {r.packHash.slice(0, 16)}…
          </div>
        )}
      </td>
      <td>
        <div className="actions">
          {r.files.map((f) => (
            <button key={f.name} type="button" onClick={() => void downloadWithToken(f.url, `${r.id}-${f.name}`).catch(setError)}>
              {f.name} ({Math.ceil(f.bytes / 1024)} kB)
            </button>
          ))}
        </div>
        {error && <ErrorBox error={error} />}
      </td>
    </tr>
  );
}

function Generate({ onQueued }: { onQueued: (id: string) => void }) {
  const today = new Date();
  const [kind, setKind] = useState<ReportKind>('DATASET');
  const [target, setTarget] = useState('');
  const [from, setFrom] = useState(isoDay(new Date(today.getTime() - 90 * 86_400_000)));
  const [to, setTo] = useState(isoDay(new Date(today.getTime() + 86_400_000)));
  const [generate, { pending, error }] = useMutation(GenerateDocument);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await generate({ input: { kind, target, from: new Date(from).toISOString(), to: new Date(to).toISOString() } });
    if (ok) onQueued(ok.generateReport.id);
  };
  return (
    <form className="panel filters" onSubmit={(e) => void submit(e)} aria-label="Generate a pack">
      <label>
        Kind
        <select value={kind} onChange={(e) => setKind(e.target.value as ReportKind)}>
          <option value="DATASET">Dataset</option>
          <option value="MODEL">Model</option>
        </select>
      </label>
      <label>
        Target
        <input
          value={target}
          onChange={(e) => setTarget(e.target.value)}
          required
          placeholder={kind === 'MODEL' ? 'model:<name>:<version>' : 'dataset:<namespace>:<name>'}
        />
      </label>
      <label>
        From
        <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} required />
      </label>
      <label>
        To (exclusive)
        <input type="date" value={to} onChange={(e) => setTo(e.target.value)} required />
      </label>
      <div className="actions">
        <button type="submit" className="primary" disabled={pending}>
          Generate pack
        </button>
      </div>
      {error && <ErrorBox error={error} />}
    </form>
  );
}

function Verify() {
  const [result, setResult] = useState<VerifyReportUploadQuery['verifyReport']>();
  const [verify, { pending, error }] = useMutation(VerifyDocument);
  const onFile = async (file: File | undefined) => {
    setResult(undefined);
    if (!file) return;
    const bytes = new Uint8Array(await file.arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    const data = await verify({ fileBase64: btoa(binary) });
    if (data) setResult(data.verifyReport);
  };
  return (
    <section className="panel" aria-labelledby="verify-h">
      <h2 id="verify-h">Verify a pack</h2>
      <label>
        A pack.pdf, pack.json or manifest.json (up to the request size limit)
        <input type="file" accept=".pdf,.json" disabled={pending} onChange={(e) => void onFile(e.target.files?.[0])} />
      </label>
      {error && <ErrorBox error={error} />}
      {result && (
        <p role="status">
          <Badge tone={result.valid ? 'good' : 'bad'}>{result.valid ? 'genuine and unchanged' : 'not verified'}</Badge> {result.reason}
        </p>
      )}
    </section>
  );
}
