import { tokenPairSchema, userSchema, type LoginRequest } from '@tansiq/shared';
import { z } from 'zod';
import { request } from '../../api/client.ts';

export const login = (input: LoginRequest) => request('POST', '/api/v1/auth/login', tokenPairSchema, input);
export const refresh = (refreshToken: string) =>
  request('POST', '/api/v1/auth/refresh', tokenPairSchema, { refreshToken });
export const logout = () => request('POST', '/api/v1/auth/logout', null);
export const me = () => request('GET', '/api/v1/auth/me', z.object({ user: userSchema }));
