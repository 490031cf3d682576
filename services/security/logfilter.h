#pragma once

#include <QString>
#include <QStringView>

namespace kassa::security {

// Keeps secrets out of log lines: whatever a message says, what reaches the log has
//  - Stripe keys (sk_, rk_, pk_ with test_ or live_) and webhook secrets (whsec_) masked to their
//    prefix and last four characters,
//  - the credentials of an Authorization header (Bearer ..., Basic ...) replaced,
//  - card numbers (13 to 19 digits, also in groups split by single spaces or dashes, that pass the Luhn
//    check) cut to their last four digits.
// Other numbers (amounts, ids, timestamps that fail the Luhn check) are left as they are.
namespace LogFilter {

QString mask(QStringView text);

// Whether `digits` (digits only) pass the Luhn check.
bool passesLuhn(QStringView digits);

// Installs a Qt message handler that masks every message and passes it on to the handler that was
// installed before (Qt's default one if none). Once per process; later calls do nothing. Call it first
// thing in main(), before anything logs.
void install();

} // namespace LogFilter

} // namespace kassa::security
