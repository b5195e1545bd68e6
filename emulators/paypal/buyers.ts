/**
 * Seeded sandbox buyer accounts. Payer ids are fixed so tests can assert on them.
 */
export interface BuyerAccount {
  email: string;
  password: string;
  payerId: string;
  givenName: string;
  surname: string;
  countryCode: string;
}

export const BUYERS: readonly BuyerAccount[] = [
  {
    email: "buyer@coursepay.test",
    password: "buyer-password",
    payerId: "7E2QJ5ZKH9W3N",
    givenName: "Casey",
    surname: "Buyer",
    countryCode: "US",
  },
  {
    email: "second-buyer@coursepay.test",
    password: "second-password",
    payerId: "M4T8XPL2V6RQC",
    givenName: "Robin",
    surname: "Learner",
    countryCode: "DE",
  },
];

export const DEFAULT_BUYER = BUYERS[0] as BuyerAccount;

export const findBuyer = (email: string): BuyerAccount | undefined =>
  BUYERS.find((buyer) => buyer.email.toLowerCase() === email.trim().toLowerCase());

export const buyerByPayerId = (payerId: string): BuyerAccount | undefined =>
  BUYERS.find((buyer) => buyer.payerId === payerId);
