#include "app/cli/cliargs.h"

using namespace Qt::StringLiterals;

namespace kassa::cli {

CliArgs CliArgs::parse(const QStringList &arguments, const QStringList &valueOptions,
                       const QStringList &flags)
{
    CliArgs args;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &argument = arguments.at(i);
        if (!argument.startsWith(u"--"_s) || argument == u"--"_s) {
            args.m_positionals.append(argument);
            continue;
        }
        QString name = argument.mid(2);
        QString value;
        bool inlineValue = false;
        const qsizetype eq = name.indexOf(u'=');
        if (eq >= 0) {
            value = name.mid(eq + 1);
            name = name.left(eq);
            inlineValue = true;
        }
        if (flags.contains(name)) {
            if (inlineValue) {
                args.m_error = u"--%1 takes no value"_s.arg(name);
                return args;
            }
            args.m_flags.insert(name);
        } else if (valueOptions.contains(name)) {
            if (!inlineValue) {
                if (i + 1 >= arguments.size()) {
                    args.m_error = u"--%1 needs a value"_s.arg(name);
                    return args;
                }
                value = arguments.at(++i);
            }
            args.m_values.insert(name, value);
        } else {
            args.m_error = u"unknown option --%1"_s.arg(name);
            return args;
        }
    }
    return args;
}

} // namespace kassa::cli
