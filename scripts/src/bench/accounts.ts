/** The password of every account a benchmark creates (benchmarks run on throwaway databases). */
export const PASSWORD = 'benchmark-password-0123';

/** Signs a benchmark account in; resolves with its access token. */
export async function login(url: string, username: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login of ${username} answered ${res.status}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}
