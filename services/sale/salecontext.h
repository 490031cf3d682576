// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/money.h"
#include "services/security/actinguser.h"

#include <QString>

#include <functional>

namespace kassa::sale {

// Who takes a sale, and where. Every entry point of the sale services gets one, so that the acting
// user and the permission check (issue 5) arrive in one place: add the user here and check it in
// SaleOptions::authorize. Payments carry the till and the cashier as metadata kassa_till and
// kassa_cashier, which the store reads into its payment rows.
struct SaleContext
{
    QString tillId;  // TillRepository's id of this till
    QString cashier; // the name the store, reports and receipts show
    // Who sells: every entry point checks that this user's role may take payments
    // (Permission::TakePayments); nobody (an invalid user) may not.
    security::ActingUser user;
};

// What is sold: the amount, the words on the receipt and the customer, when one is known.
struct SaleOrder
{
    Money amount;
    QString description;
    QString customerId; // cus_...; needed for a saved card
};

// What a cashier asks a sale to do; what SaleOptions::authorize is asked about.
enum class SaleAction {
    Start,
    PayWithSavedCard,
    PayWithReader,
    PayWithCheckout,
    PayWithTestCard,
    Cancel,
    Recover,
};

// Tuning and hooks of the sale services.
struct SaleOptions
{
    // Polling of a reader, a 3-D Secure challenge or a Checkout Session: first wait, then each wait
    // 1.5 times the last, up to the maximum.
    int pollInitialMs = 1000;
    int pollMaxMs = 5000;
    // Earlier attempt of the order still being sent (by another click or till): how long to watch its
    // outbox row before calling the outcome unknown.
    int earlierAttemptWaitMs = 30'000;
    // An unknown outcome (no answer) is checked again on its own after this long, and again after each
    // check that gets no answer; 0: only when recover() is called.
    int unknownRecheckMs = 15'000;
    // Where 3-D Secure sends the customer back (return_url); empty: not sent.
    QString returnUrl;
    // Checkout: where the customer's phone goes after paying or leaving; empty: not sent (Stripe's own
    // confirmation page).
    QString checkoutSuccessUrl;
    QString checkoutCancelUrl;
    // A QR code on the counter should not stay payable for a day: Checkout Sessions expire after this.
    // Stripe accepts 30 minutes to 24 hours.
    qint64 checkoutLifetimeSeconds = 3600;
    // Checks on top of the permission table (which saleRefusal() always applies): empty when `context`
    // may do `action`, else why not, in words. Unset: nothing more is checked.
    std::function<QString(const SaleContext &context, SaleAction action)> authorize;
};

// Why `context` may not do `action`, in words for the till, or empty: the permission table first
// (context.user must be allowed to take payments), then options.authorize when set.
QString saleRefusal(const SaleOptions &options, const SaleContext &context, SaleAction action);

} // namespace kassa::sale
