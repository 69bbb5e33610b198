import type zhCN from './zh-CN'

/** The shape every language file must have: that of zh-CN.ts. */
export type MessageSchema = typeof zhCN
