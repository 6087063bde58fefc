/** A write of the audit trail (contract, "Audit"): who did what to which PAT. Never the token or its hash. */
export interface AuditEvent {
  readonly action: 'pat.created' | 'pat.revoked' | 'pat.rotated';
  readonly patId: string;
  /** The PAT that a rotation replaced. */
  readonly replacedPatId?: string;
  readonly tokenPrefix: string;
  readonly expiresAt: string | undefined;
}
