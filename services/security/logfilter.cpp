#include "services/security/logfilter.h"

#include "services/security/stripekey.h"

#include <QRegularExpression>
#include <QtGlobal>

#include <atomic>
#include <cstdio>
#include <optional>

using namespace Qt::StringLiterals;

namespace kassa::security::LogFilter {

namespace {

// Replaces every match of `pattern` in `text` by what `replace` makes of it.
template<typename Replace>
QString replaceAll(const QString &text, const QRegularExpression &pattern, Replace &&replace)
{
    QString out;
    qsizetype copied = 0;
    QRegularExpressionMatchIterator it = pattern.globalMatch(text);
    while (it.hasNext()) {
        const QRegularExpressionMatch match = it.next();
        out += QStringView(text).mid(copied, match.capturedStart() - copied);
        out += replace(match);
        copied = match.capturedEnd();
    }
    if (copied == 0)
        return text;
    out += QStringView(text).mid(copied);
    return out;
}

struct Group
{
    qsizetype start; // in the text
    qsizetype end;
    QString digits;
};

// A run of digit groups (joined by single spaces or dashes), from left to right: the longest span of
// consecutive groups that starting at a group holds 13 to 19 digits and passes the Luhn check is a card
// number. So a card number next to a date or an amount is still found, and the search stays linear.
QList<Group> findCards(const QList<Group> &groups)
{
    QList<Group> cards;
    qsizetype from = 0;
    while (from < groups.size()) {
        std::optional<Group> longest;
        QString digits;
        for (qsizetype to = from; to < groups.size(); ++to) {
            digits += groups.at(to).digits;
            if (digits.size() > 19)
                break;
            if (digits.size() >= 13 && passesLuhn(digits))
                longest = Group{groups.at(from).start, groups.at(to).end, digits};
        }
        if (!longest) {
            ++from;
            continue;
        }
        cards.append(*longest);
        while (from < groups.size() && groups.at(from).start < longest->end)
            ++from;
    }
    return cards;
}

QString maskCardNumbers(const QString &text)
{
    // Digits not glued to letters or other digits (ids such as pi_3Nq... or req_... are left alone),
    // in groups joined by one space or dash.
    static const QRegularExpression Run(u"(?<![A-Za-z0-9_])[0-9]+(?:[ -][0-9]+)*(?![A-Za-z0-9_])"_s);
    static const QRegularExpression GroupPattern(u"[0-9]+"_s);
    return replaceAll(text, Run, [](const QRegularExpressionMatch &run) {
        const QString runText = run.captured(0);
        QList<Group> groups;
        QRegularExpressionMatchIterator it = GroupPattern.globalMatch(runText);
        qsizetype totalDigits = 0;
        while (it.hasNext()) {
            const QRegularExpressionMatch group = it.next();
            groups.append(Group{group.capturedStart(), group.capturedEnd(), group.captured(0)});
            totalDigits += group.capturedLength();
        }
        if (totalDigits < 13)
            return runText;
        const QList<Group> cards = findCards(groups);
        if (cards.isEmpty())
            return runText;
        QString out;
        qsizetype copied = 0;
        for (const Group &card : cards) {
            out += QStringView(runText).mid(copied, card.start - copied);
            out += u"****"_s + card.digits.right(4);
            copied = card.end;
        }
        out += QStringView(runText).mid(copied);
        return out;
    });
}

QtMessageHandler g_previous = nullptr;
std::atomic_bool g_installed = false;

void filteringHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const QString masked = mask(message);
    if (g_previous) {
        g_previous(type, context, masked);
        return;
    }
    std::fprintf(stderr, "%s\n", qFormatLogMessage(type, context, masked).toLocal8Bit().constData());
}

} // namespace

bool passesLuhn(QStringView digits)
{
    if (digits.isEmpty())
        return false;
    int sum = 0;
    bool doubled = false;
    for (qsizetype i = digits.size() - 1; i >= 0; --i) {
        const QChar c = digits.at(i);
        if (!c.isDigit() || c.unicode() > u'9')
            return false;
        int value = c.unicode() - u'0';
        if (doubled) {
            value *= 2;
            if (value > 9)
                value -= 9;
        }
        sum += value;
        doubled = !doubled;
    }
    return sum % 10 == 0;
}

QString mask(QStringView text)
{
    // Stripe keys and webhook secrets, wherever they stand (in a URL, after "key=", in JSON).
    static const QRegularExpression Key(
        u"(?<![A-Za-z0-9])(?:(?:sk|rk|pk)_(?:test|live)_[A-Za-z0-9]+|whsec_[A-Za-z0-9+/=_-]+)"_s);
    // Authorization credentials: a Bearer token whatever it looks like; Basic only with a base64 value,
    // so that prose such as "Basic auth" stays readable.
    static const QRegularExpression Bearer(u"\\b(Bearer)\\s+[^\\s\"',;]+"_s,
                                           QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression Basic(u"\\b(Basic)\\s+[A-Za-z0-9+/]{12,}={0,2}"_s,
                                          QRegularExpression::CaseInsensitiveOption);
    QString out = text.toString();
    out = replaceAll(out, Bearer, [](const QRegularExpressionMatch &m) {
        return QString(m.captured(1) + u" [redacted]"_s);
    });
    out = replaceAll(out, Basic, [](const QRegularExpressionMatch &m) {
        return QString(m.captured(1) + u" [redacted]"_s);
    });
    out =
        replaceAll(out, Key, [](const QRegularExpressionMatch &m) { return StripeKey::mask(m.captured(0)); });
    return maskCardNumbers(out);
}

void install()
{
    if (g_installed.exchange(true))
        return;
    g_previous = qInstallMessageHandler(filteringHandler);
}

} // namespace kassa::security::LogFilter
