import {
  centresListSchema,
  userSchema,
  usersListSchema,
  type CreateUser,
  type PatchUser,
} from '@tansiq/shared';
import { z } from 'zod';
import { request } from '../../api/client.ts';

const one = z.object({ user: userSchema });

export const listUsers = () => request('GET', '/api/v1/users', usersListSchema);
export const listCentres = () => request('GET', '/api/v1/centres', centresListSchema);
export const createUser = (input: CreateUser) => request('POST', '/api/v1/users', one, input);
export const updateUser = (id: string, patch: PatchUser) =>
  request('PATCH', `/api/v1/users/${id}`, one, patch);
export const resetPassword = (id: string, password: string) =>
  request('POST', `/api/v1/users/${id}/password`, null, { password });
