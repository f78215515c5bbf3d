import { useCallback, useEffect, useRef, useState } from 'react';
import { currentToken } from './auth';
import type { TypedDocumentString } from './gql/graphql';

/** An API failure as a person should see it: what went wrong, and the request id to quote to support. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly requestId: string | undefined,
    readonly code?: string,
    readonly field?: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface GraphqlBody<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
}

/** Raised when there is no valid token: the app starts a sign-in. */
export class SignInRequired extends Error {}

let onSignInRequired: () => void = () => undefined;
export function setSignInHandler(handler: () => void): void {
  onSignInRequired = handler;
}

export async function gql<R, V>(document: TypedDocumentString<R, V>, variables?: V): Promise<R> {
  const token = currentToken();
  if (!token) {
    onSignInRequired();
    throw new SignInRequired('Your session has ended. Signing in again…');
  }
  let res: Response;
  try {
    res = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: document.toString(), variables }),
    });
  } catch {
    throw new ApiError('Charter could not be reached. Check your connection and try again.', undefined);
  }
  const requestId = res.headers.get('x-request-id') ?? undefined;
  if (res.status === 401) {
    onSignInRequired();
    throw new ApiError('Your session has ended. Signing in again…', requestId, 'UNAUTHENTICATED', undefined, 401);
  }
  const body = (await res.json().catch(() => ({}))) as GraphqlBody<R>;
  const first = body.errors?.[0];
  if (first) throw new ApiError(first.message, requestId, first.extensions?.code, first.extensions?.field, res.status);
  if (!res.ok || !body.data) throw new ApiError(`Charter answered HTTP ${res.status}.`, requestId, undefined, undefined, res.status);
  return body.data;
}

export interface QueryState<R> {
  data: R | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/** Runs a query whenever its variables change; only the latest answer is kept. */
export function useQuery<R, V>(document: TypedDocumentString<R, V>, variables: V, skip = false): QueryState<R> {
  const [state, setState] = useState<{ data?: R; error?: Error; loading: boolean }>({ loading: !skip });
  const [generation, setGeneration] = useState(0);
  const key = JSON.stringify(variables);
  const latest = useRef(0);
  useEffect(() => {
    if (skip) return;
    const ticket = ++latest.current;
    setState((s) => ({ data: s.data, loading: true }));
    gql(document, JSON.parse(key) as V).then(
      (data) => ticket === latest.current && setState({ data, loading: false }),
      (error: Error) => ticket === latest.current && setState({ error, loading: false }),
    );
  }, [document, key, generation, skip]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** A mutation with its pending state and last error. */
export function useMutation<R, V>(document: TypedDocumentString<R, V>): [(variables: V) => Promise<R | undefined>, { pending: boolean; error?: Error }] {
  const [state, setState] = useState<{ pending: boolean; error?: Error }>({ pending: false });
  const run = useCallback(
    async (variables: V) => {
      setState({ pending: true });
      try {
        const data = await gql(document, variables);
        setState({ pending: false });
        return data;
      } catch (error) {
        setState({ pending: false, error: error as Error });
        return undefined;
      }
    },
    [document],
  );
  return [run, state];
}

/** Downloads a file the API serves only with a bearer token (a plain link cannot send one). */
export async function downloadWithToken(url: string, fileName: string): Promise<void> {
  const token = currentToken();
  if (!token) {
    onSignInRequired();
    throw new SignInRequired('Your session has ended. Signing in again…');
  }
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const requestId = res.headers.get('x-request-id') ?? undefined;
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { message?: string; code?: string };
    throw new ApiError(body.message ?? `Download failed with HTTP ${res.status}.`, requestId, body.code, undefined, res.status);
  }
  const href = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = href;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
