// Every table, gathered for Drizzle and drizzle-kit. Tables live beside their domain.
export { centres } from '../centres/centres.table.ts';
export { users } from '../users/users.table.ts';
