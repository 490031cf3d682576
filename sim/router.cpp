#include "sim/router.h"

#include <QUrl>

namespace kassa::sim {

void Router::add(const QString &method, const QString &pathTemplate, ApiHandler handler)
{
    Route route;
    route.method = method;
    route.pathTemplate = pathTemplate;
    route.segments = pathTemplate.split(u'/', Qt::SkipEmptyParts);
    for (const QString &segment : std::as_const(route.segments)) {
        if (!segment.startsWith(u'{'))
            ++route.literalCount;
    }
    route.handler = std::move(handler);
    m_routes.append(std::move(route));
}

std::optional<Router::Match> Router::match(QStringView method, QStringView path) const
{
    const QList<QStringView> segments = path.split(u'/', Qt::SkipEmptyParts);
    std::optional<Match> best;
    for (const Route &route : m_routes) {
        if (route.method != method || route.segments.size() != segments.size())
            continue;
        if (best && best->route->literalCount >= route.literalCount)
            continue;
        QStringList args;
        bool ok = true;
        for (qsizetype i = 0; i < segments.size() && ok; ++i) {
            const QString &expected = route.segments.at(i);
            if (expected.startsWith(u'{')) {
                const QString decoded = QUrl::fromPercentEncoding(segments.at(i).toUtf8());
                if (decoded.isEmpty())
                    ok = false;
                args.append(decoded);
            } else if (expected != segments.at(i)) {
                ok = false;
            }
        }
        if (ok)
            best = Match{&route, args};
    }
    return best;
}

} // namespace kassa::sim
