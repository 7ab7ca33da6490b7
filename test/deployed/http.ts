/**
 * One JSON request to the API under test, as the deployed suites send it: the answer's
 * status, content type, text and parsed body (undefined when the body is empty or not JSON).
 */
export interface Answer {
  status: number;
  contentType: string;
  // The suites read answers of many shapes; each step checks what it reads.
  json: any;
  text: string;
}

export interface RequestOptions {
  /** A bearer token, sent as `authorization`. */
  token?: string | undefined;
  /** A JSON body (sent with `content-type: application/json`). */
  body?: unknown;
  headers?: Record<string, string> | undefined;
}

export async function requestJson(apiUrl: string, method: string, path: string, options: RequestOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${apiUrl}${path}`, { method, headers, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', json, text };
}
