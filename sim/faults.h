#pragma once

#include <QJsonObject>
#include <QString>

#include <optional>

namespace kassa::sim {

// Faults the simulator injects into /v1 requests, for tests and chaos runs (POST /_sim/faults).
// Rates are probabilities per request in [0, 1].
struct Faults
{
    int latencyMs = 0;
    double error500Rate = 0;        // 500 api_error before the request runs (nothing applied)
    double rateLimit429Rate = 0;    // 429 before the request runs
    double dropAfterCommitRate = 0; // the request is applied, then the connection closes unanswered
    double hangRate = 0;            // no answer at all; the connection stays open
    quint32 seed = 0;               // 0: a random seed

    static std::optional<Faults> fromJson(const QJsonObject &json, QString *error);
    QJsonObject toJson() const;
    bool any() const;
};

} // namespace kassa::sim
