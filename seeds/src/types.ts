import type { IdCardIdentity, InsuranceStatus, InsuranceType, ServiceId } from '@sik/contract';

/** A person as the system of record holds them: the identity is exactly what their card says. */
export interface SeedPerson {
  personId: string;
  identity: IdCardIdentity;
}

/** Employees' scheme (城镇职工) or urban-rural residents' scheme (城乡居民). */
export type InsuranceScheme = 'employee' | 'resident';

export interface SeedInsurance {
  personId: string;
  type: InsuranceType;
  scheme: InsuranceScheme;
  status: InsuranceStatus;
  /** YYYY-MM-DD */
  since: string;
}

/** One year of contributions of one person to one insurance type; money in fen (CNY cents). */
export interface SeedContribution {
  personId: string;
  type: InsuranceType;
  year: number;
  months: number;
  /** Monthly contribution base (employees) or the yearly grade chosen (residents). */
  baseCents: number;
  /** Employer and personal parts together for the year. */
  amountCents: number;
}

export type PensionStatus = 'active' | 'suspended' | 'terminated';

export interface SeedPension {
  personId: string;
  scheme: InsuranceScheme;
  /** YYYY-MM-DD, the first month paid */
  startDate: string;
  monthlyAmountCents: number;
  /** ISO timestamp of the last benefit qualification authentication (待遇领取资格认证). */
  lastAuthenticatedAt: string;
  /** Suspended when the yearly authentication is overdue. */
  status: PensionStatus;
}

export interface SeedBank {
  bankId: string;
  name: string;
}

export interface SeedBranch {
  branchId: string;
  bankId: string;
  name: string;
  address: string;
  regionCode: string;
}

export interface SeedKiosk {
  kioskId: string;
  branchId: string;
  enabled: boolean;
}

export interface SeedBankService {
  bankId: string;
  serviceId: ServiceId;
}

/** A bank account of a person; the seeded ones are all linked (contributions are debited from them). */
export interface SeedBankAccount {
  accountId: string;
  personId: string;
  bankId: string;
  /** 19 digits: the bank's card BIN, an account sequence and a Luhn check digit. */
  accountNumber: string;
}

/** One month of a pension: paid, or withheld while the yearly authentication is overdue. */
export interface SeedPensionPayment {
  personId: string;
  /** YYYY-MM-01 */
  month: string;
  amountCents: number;
  status: 'paid' | 'withheld';
  /** ISO timestamp when paid; null when withheld. */
  paidAt: string | null;
}

/** School attendance as the education bureau reports it. */
export interface SeedStudentEnrollment {
  personId: string;
  school: string;
  fullTime: boolean;
  /** YYYY-MM-DD */
  fromDate: string;
  /** YYYY-MM-DD, the last day; null while still enrolled. */
  toDate: string | null;
}

export interface SeedData {
  referenceDate: string;
  people: SeedPerson[];
  insurances: SeedInsurance[];
  contributions: SeedContribution[];
  pensions: SeedPension[];
  banks: SeedBank[];
  branches: SeedBranch[];
  kiosks: SeedKiosk[];
  bankServices: SeedBankService[];
  bankAccounts: SeedBankAccount[];
  pensionPayments: SeedPensionPayment[];
  studentEnrollments: SeedStudentEnrollment[];
}
