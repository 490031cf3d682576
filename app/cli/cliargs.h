#pragma once

#include <QHash>
#include <QSet>
#include <QString>
#include <QStringList>

namespace kassa::cli {

// A command's own arguments: positionals and --name value / --name=value options, checked against the
// options the command knows.
class CliArgs
{
public:
    // valueOptions take a value; flags do not. Anything else starting with "--" is an error.
    static CliArgs parse(const QStringList &arguments, const QStringList &valueOptions,
                         const QStringList &flags);

    bool isValid() const { return m_error.isEmpty(); }
    QString error() const { return m_error; }
    const QStringList &positionals() const { return m_positionals; }
    QString positional(int index) const { return m_positionals.value(index); }
    bool has(const QString &name) const { return m_values.contains(name) || m_flags.contains(name); }
    QString value(const QString &name, const QString &fallback = {}) const
    {
        return m_values.value(name, fallback);
    }

private:
    QStringList m_positionals;
    QHash<QString, QString> m_values;
    QSet<QString> m_flags;
    QString m_error;
};

} // namespace kassa::cli
