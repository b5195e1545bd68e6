"use client";

import dynamic from "next/dynamic";
import { PayPalLoading } from "./paypal-loading";

/**
 * PayPal's buttons as their own chunk: a page that may take a payment (a course page) loads PayPal's React
 * library only when it renders the buttons — for a signed-in buyer, not for a visitor reading about the course.
 */
export const PayPalCheckout = dynamic(() => import("./paypal-checkout").then((module) => module.PayPalCheckout), { loading: PayPalLoading });
