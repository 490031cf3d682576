#include "services/security/stripekey.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace kassa::security {

namespace {

// The prefix a key starts with, "" when none of Stripe's.
QString prefixOf(QStringView text)
{
    static const QRegularExpression Prefix(u"^(?:(?:sk|rk|pk)_(?:test|live)_|whsec_)"_s);
    const QRegularExpressionMatch match = Prefix.match(text);
    return match.hasMatch() ? match.captured(0) : QString();
}

} // namespace

StripeKey StripeKey::parse(QStringView text)
{
    StripeKey key;
    const QStringView trimmed = text.trimmed();
    const QString prefix = prefixOf(trimmed);
    if (prefix.isEmpty()) {
        key.m_error = trimmed.isEmpty()
                          ? u"no key given"_s
                          : u"not a Stripe key: it must start with sk_test_, sk_live_, rk_test_, rk_live_, "
                            "pk_test_, pk_live_ or whsec_"_s;
        return key;
    }
    const QStringView body = trimmed.mid(prefix.size());
    Type type = Type::WebhookSecret;
    if (prefix.startsWith(u"sk_"_s))
        type = Type::Secret;
    else if (prefix.startsWith(u"rk_"_s))
        type = Type::Restricted;
    else if (prefix.startsWith(u"pk_"_s))
        type = Type::Publishable;
    // Stripe's keys are letters and digits after the prefix; webhook secrets are base64-like. Real ones
    // are 24 to a few hundred characters; a test double may be as short as 8.
    static const QRegularExpression KeyBody(u"^[A-Za-z0-9]{8,247}$"_s);
    static const QRegularExpression SecretBody(u"^[A-Za-z0-9+/=_-]{8,247}$"_s);
    const QRegularExpression &expected = type == Type::WebhookSecret ? SecretBody : KeyBody;
    if (!expected.match(body).hasMatch()) {
        key.m_error = u"malformed %1: after %2 come %3"_s.arg(typeName(type), prefix,
                                                              type == Type::WebhookSecret
                                                                  ? u"8 to 247 letters, digits or +/=_-"_s
                                                                  : u"8 to 247 letters and digits"_s);
        return key;
    }
    key.m_type = type;
    key.m_value = trimmed.toString();
    if (type != Type::WebhookSecret)
        key.m_mode = prefix.contains(u"_live_"_s) ? Mode::Live : Mode::Test;
    return key;
}

QString StripeKey::typeName(Type type)
{
    switch (type) {
    case Type::Invalid:
        return u"invalid key"_s;
    case Type::Secret:
        return u"secret key"_s;
    case Type::Restricted:
        return u"restricted key"_s;
    case Type::Publishable:
        return u"publishable key"_s;
    case Type::WebhookSecret:
        return u"webhook secret"_s;
    }
    return u"invalid key"_s;
}

QString StripeKey::modeName(Mode mode)
{
    switch (mode) {
    case Mode::Test:
        return u"test"_s;
    case Mode::Live:
        return u"live"_s;
    case Mode::Unknown:
        break;
    }
    return u"unknown"_s;
}

QString StripeKey::mask(QStringView text)
{
    const QStringView trimmed = text.trimmed();
    QString prefix = prefixOf(trimmed);
    if (prefix.isEmpty()) {
        // Not one of Stripe's: keep at most the part up to the first underscore if it is short.
        const qsizetype underscore = trimmed.indexOf(u'_');
        if (underscore > 0 && underscore <= 5)
            prefix = trimmed.left(underscore + 1).toString();
    }
    const qsizetype rest = trimmed.size() - prefix.size();
    if (rest >= 12)
        return QString(prefix + u"..."_s + trimmed.right(4).toString());
    return QString(prefix + u"..."_s);
}

} // namespace kassa::security
