// REST calls to the Tearline server: JSON in, JSON out, `{ error: { code, message } }` turned
// into a ServerError carrying the server's own sentence.
import { ServerError } from './errors';

interface RequestOptions {
  token?: string | null;
  method?: 'GET' | 'POST';
  body?: unknown;
}

function isErrorBody(value: unknown): value is { error: { code: string; message: string } } {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return typeof error === 'object' && error !== null && 'message' in error && 'code' in error;
}

/** The response's text, or a ServerError with the server's own sentence when it refused. */
async function send(path: string, options: RequestOptions, accept: string): Promise<string> {
  const headers: Record<string, string> = { Accept: accept };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch {
    throw new ServerError('network', 'The Tearline server cannot be reached. Check the network and try again.');
  }
  const text = await response.text();
  if (!response.ok) {
    const parsed = parseJson(text);
    if (isErrorBody(parsed)) {
      throw new ServerError(parsed.error.code as ServerError['code'], parsed.error.message);
    }
    throw new ServerError(
      response.status === 404 ? 'not_found' : 'internal',
      `The server answered ${response.status} ${response.statusText || ''} to ${path}.`.replace(/\s+/g, ' '),
    );
  }
  return text;
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function requestJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const parsed = parseJson(await send(path, options, 'application/json'));
  if (parsed === undefined) {
    throw new ServerError('internal', 'The server sent an answer this page cannot read. Reload the page; if it persists, the server and the page may be different versions.');
  }
  return parsed as T;
}

/** A plain-text answer (e.g. a marked export). */
export async function requestText(path: string, options: RequestOptions = {}): Promise<string> {
  return send(path, options, 'text/plain');
}
