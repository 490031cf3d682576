#pragma once

#include <QString>
#include <QStringView>

namespace kassa::security {

// A Stripe API key or webhook secret as typed or pasted: what kind it is, test or live, whether it is
// well formed, and how to show it without giving it away.
class StripeKey
{
public:
    enum class Type {
        Invalid,
        Secret,        // sk_test_ / sk_live_
        Restricted,    // rk_test_ / rk_live_
        Publishable,   // pk_test_ / pk_live_
        WebhookSecret, // whsec_
    };
    enum class Mode { Unknown, Test, Live };

    // Surrounding white space (a pasted line's newline) is dropped. Never fails: an unknown or malformed
    // text gives an invalid key with error() saying what is wrong (without repeating the text).
    static StripeKey parse(QStringView text);

    bool isValid() const { return m_type != Type::Invalid; }
    Type type() const { return m_type; }
    // Webhook secrets carry no mode: Unknown.
    Mode mode() const { return m_mode; }
    bool isLive() const { return m_mode == Mode::Live; }
    // sk_ or rk_: a key that may call the API.
    bool isServerKey() const { return m_type == Type::Secret || m_type == Type::Restricted; }
    const QString &value() const { return m_value; }
    QString error() const { return m_error; }
    // The prefix and the last four characters: "sk_test_...Wb4X". Safe to print and log.
    QString masked() const { return mask(m_value); }

    // "secret key", "restricted key", "publishable key", "webhook secret".
    static QString typeName(Type type);
    // "test", "live", "unknown".
    static QString modeName(Mode mode);
    // The masked form of any text: a known prefix is kept, then "..." and the last four characters
    // when at least twelve more follow the prefix (fewer would give too much away), else nothing more.
    static QString mask(QStringView text);

private:
    Type m_type = Type::Invalid;
    Mode m_mode = Mode::Unknown;
    QString m_value;
    QString m_error;
};

} // namespace kassa::security
