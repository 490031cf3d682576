#pragma once

#include <QJsonObject>
#include <QString>

namespace kassa::cli {

// One readable line per Stripe object for kassa-cli's human output ("pi_123  succeeded  $12.50 ...").
class CliFormatter
{
public:
    static QString line(const QJsonObject &object);
    static QString amount(qint64 minorUnits, const QString &currency);
    static QString time(qint64 unixSeconds);
};

} // namespace kassa::cli
