// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/moneyparseresult.h"

#include "core/money.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace kassa {

MoneyParseResult MoneyParseResult::success(qint64 minorUnits, Currency currency)
{
    MoneyParseResult result;
    result.m_error = MoneyParseError::None;
    result.m_currency = currency;
    result.m_minorUnits = minorUnits;
    return result;
}

MoneyParseResult MoneyParseResult::failure(MoneyParseError error, Currency currency, const QString &token,
                                           const QString &suggestion)
{
    MoneyParseResult result;
    result.m_error = error;
    result.m_currency = currency;
    result.m_token = token;
    result.m_suggestion = suggestion;
    return result;
}

Money MoneyParseResult::money() const
{
    return Money(isValid() ? m_minorUnits : 0, m_currency);
}

std::optional<Money> MoneyParseResult::value() const
{
    if (!isValid())
        return std::nullopt;
    return Money(m_minorUnits, m_currency);
}

QString MoneyParseResult::message() const
{
    const auto tr = [](const char *text, int n = -1) {
        return QCoreApplication::translate("kassa::MoneyParseResult", text, nullptr, n);
    };
    switch (m_error) {
    case MoneyParseError::None:
        return QString();
    case MoneyParseError::Empty:
        return tr("Enter an amount.");
    case MoneyParseError::Garbage:
        if (m_token.isEmpty())
            return tr("This is not an amount.");
        return tr("“%1” is not part of an amount.").arg(m_token);
    case MoneyParseError::UnsupportedDigits:
        return tr("The digits in “%1” cannot be used here; type the amount with the digits 0 to 9.")
            .arg(m_token);
    case MoneyParseError::TooManyDecimals:
        if (m_currency.exponent() == 0)
            return tr("%1 has no decimal places; enter a whole amount.").arg(m_currency.upperCode());
        return tr("%1 has at most %n decimal place(s).", m_currency.exponent()).arg(m_currency.upperCode());
    case MoneyParseError::Ambiguous:
        return tr("“%1” can be read in more than one way. Did you mean %2?").arg(m_token, m_suggestion);
    case MoneyParseError::MisplacedGroupSeparator:
        return tr("The digit grouping in “%1” is not right; type the amount without separators or with "
                  "groups of three digits.")
            .arg(m_token);
    case MoneyParseError::WrongCurrencySymbol:
        return tr("“%1” is not the currency of this amount (%2).").arg(m_token, m_currency.upperCode());
    case MoneyParseError::Negative:
        return tr("The amount cannot be negative.");
    case MoneyParseError::Overflow:
        return tr("The amount is too large.");
    case MoneyParseError::AboveMaximum:
        return tr("The amount is above the largest amount Stripe accepts (%1).").arg(m_suggestion);
    }
    return QString();
}

QString MoneyParseResult::errorName(MoneyParseError error)
{
    switch (error) {
    case MoneyParseError::None:
        return u"None"_s;
    case MoneyParseError::Empty:
        return u"Empty"_s;
    case MoneyParseError::Garbage:
        return u"Garbage"_s;
    case MoneyParseError::UnsupportedDigits:
        return u"UnsupportedDigits"_s;
    case MoneyParseError::TooManyDecimals:
        return u"TooManyDecimals"_s;
    case MoneyParseError::Ambiguous:
        return u"Ambiguous"_s;
    case MoneyParseError::MisplacedGroupSeparator:
        return u"MisplacedGroupSeparator"_s;
    case MoneyParseError::WrongCurrencySymbol:
        return u"WrongCurrencySymbol"_s;
    case MoneyParseError::Negative:
        return u"Negative"_s;
    case MoneyParseError::Overflow:
        return u"Overflow"_s;
    case MoneyParseError::AboveMaximum:
        return u"AboveMaximum"_s;
    }
    return u"MoneyParseError(%1)"_s.arg(static_cast<int>(error));
}

} // namespace kassa
