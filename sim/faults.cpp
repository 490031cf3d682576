#include "sim/faults.h"

#include <QStringList>

using namespace Qt::StringLiterals;

namespace kassa::sim {

std::optional<Faults> Faults::fromJson(const QJsonObject &json, QString *error)
{
    static const QStringList Known{u"latency_ms"_s,          u"error_500_rate"_s,
                                   u"rate_limit_429_rate"_s, u"drop_after_commit_rate"_s,
                                   u"hang_rate"_s,           u"seed"_s};
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!Known.contains(it.key())) {
            *error = u"unknown fault '%1'; known: %2"_s.arg(it.key(), Known.join(u", "));
            return std::nullopt;
        }
        if (!it->isDouble()) {
            *error = u"'%1' must be a number"_s.arg(it.key());
            return std::nullopt;
        }
    }
    Faults faults;
    const qint64 latency = json.value(u"latency_ms"_s).toInteger();
    if (latency < 0 || latency > 600'000) {
        *error = u"latency_ms must be between 0 and 600000"_s;
        return std::nullopt;
    }
    faults.latencyMs = int(latency);
    const std::pair<QString, double *> rates[] = {
        {u"error_500_rate"_s, &faults.error500Rate},
        {u"rate_limit_429_rate"_s, &faults.rateLimit429Rate},
        {u"drop_after_commit_rate"_s, &faults.dropAfterCommitRate},
        {u"hang_rate"_s, &faults.hangRate},
    };
    for (const auto &[name, target] : rates) {
        const double rate = json.value(name).toDouble();
        if (rate < 0 || rate > 1) {
            *error = u"%1 must be between 0 and 1"_s.arg(name);
            return std::nullopt;
        }
        *target = rate;
    }
    const qint64 seed = json.value(u"seed"_s).toInteger();
    if (seed < 0 || seed > 0xFFFFFFFFLL) {
        *error = u"seed must be an unsigned 32-bit integer"_s;
        return std::nullopt;
    }
    faults.seed = quint32(seed);
    return faults;
}

QJsonObject Faults::toJson() const
{
    return QJsonObject{{u"latency_ms"_s, latencyMs},
                       {u"error_500_rate"_s, error500Rate},
                       {u"rate_limit_429_rate"_s, rateLimit429Rate},
                       {u"drop_after_commit_rate"_s, dropAfterCommitRate},
                       {u"hang_rate"_s, hangRate},
                       {u"seed"_s, qint64(seed)}};
}

bool Faults::any() const
{
    return latencyMs > 0 || error500Rate > 0 || rateLimit429Rate > 0 || dropAfterCommitRate > 0 ||
           hangRate > 0;
}

} // namespace kassa::sim
