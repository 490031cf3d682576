#include "app/cli/clirunner.h"

#include "app/cli/cliexit.h"
#include "app/cli/clisession.h"
#include "app/cli/customercommands.h"
#include "app/cli/eventcommands.h"
#include "app/cli/keycommands.h"
#include "app/cli/paymentcommands.h"
#include "app/cli/refundrequestcommands.h"
#include "app/cli/synccommands.h"
#include "app/cli/terminalcommands.h"
#include "app/cli/usercommands.h"

#include <QLoggingCategory>
#include <QProcessEnvironment>
#include <QTimer>

#include <optional>

using namespace Qt::StringLiterals;

namespace kassa::cli {

namespace {

// What a command needs of the acting user's role (core/permissions). Nothing: it acts on nothing of the
// shop's (webhook sign|verify), or it checks for itself (users, audit, refunds approve|reject).
std::optional<Permission> permissionFor(const QString &command, const QStringList &args)
{
    const QString sub = args.value(0);
    if (command == u"pay"_s || command == u"capture"_s || command == u"cancel"_s || command == u"recover"_s ||
        command == u"checkout"_s)
        return Permission::TakePayments;
    if (command == u"readers"_s)
        return sub == u"list"_s || sub == u"show"_s ? Permission::ViewTransactions : Permission::TakePayments;
    if (command == u"refund"_s)
        return Permission::RefundDirectly;
    if (command == u"refunds"_s) {
        if (sub == u"request"_s)
            return Permission::RequestRefunds;
        if (sub == u"approve"_s || sub == u"reject"_s)
            return Permission::DecideRefunds;
        return Permission::ViewTransactions;
    }
    if (command == u"customers"_s)
        return sub == u"create"_s ? Permission::TakePayments : Permission::ViewTransactions;
    if (command == u"methods"_s)
        return sub == u"list"_s ? Permission::ViewTransactions : Permission::ManageSavedMethods;
    if (command == u"payments"_s || command == u"events"_s || command == u"sync"_s)
        return Permission::ViewTransactions;
    if (command == u"balance"_s)
        return Permission::ViewReports;
    if (command == u"export"_s)
        return Permission::Export;
    if (command == u"keys"_s)
        return Permission::ManageKeys;
    if (command == u"webhook"_s) {
        if (sub == u"register"_s)
            return Permission::ManageKeys;
        if (sub == u"serve"_s)
            return Permission::ManageSettings;
    }
    return std::nullopt;
}

} // namespace

CliRunner::CliRunner(const QStringList &arguments, QTextStream &out, QTextStream &err, QObject *parent)
    : QObject(parent)
    , m_arguments(arguments)
    , m_out(out)
    , m_err(err)
    , m_session(new CliSession(out, err, this))
{
    connect(m_session, &CliSession::finished, this, &CliRunner::finished);
}

QString CliRunner::helpText()
{
    return uR"(Usage: kassa-cli [global options] COMMAND [arguments]

Kassa's scripting face: takes payments, refunds and looks things up at Stripe, on the same
services as the Kassa console.

Global options:
  --api-base URL      Stripe API address (default https://api.stripe.com; http only for
                      127.0.0.1/localhost, e.g. kassa-stripe-sim)
  --api-key-stdin     read the secret or restricted key (sk_.../rk_...) from the first line of stdin
  --json              print each Stripe object as one JSON line
  --profile NAME      the profile whose settings to use (default "default")
  --data-dir DIR      Kassa's data folder, shared with the console: the local store is
                      DIR/kassa.sqlite (default: $KASSA_DATA_DIR, else ~/.local/share/kassa)
  --database URL      the store in PostgreSQL instead: postgresql://user@host:port/dbname
  --user NAME         act as this user; the PIN from KASSA_PIN, else from stdin
  --verbose           log each request (method, path, status, Request-Id; never keys or bodies)
  --help, --version

The key: --api-key-stdin, else the environment variable KASSA_STRIPE_API_KEY, else the profile's
key in the OS keychain (kassa-cli keys set). Keys are never written to a file.
Lines of stdin are read in this order: the key (--api-key-stdin), the PIN (--user without
KASSA_PIN), then what the command reads (a new PIN, a key or a webhook secret).
The API address: --api-base, else the environment variable KASSA_API_BASE.

Commands:
  pay --amount 12.50 --currency usd [--payment-method pm_...] [--customer cus_...]
      [--description TEXT] [--order-ref REF] [--capture automatic|manual] [--return-url URL]
                      create a PaymentIntent; with --payment-method it is confirmed at once;
                      with --order-ref an order is charged once, however often it is run
  capture PI [--amount A]            capture (all that is capturable, or A)
  cancel PI [--reason R]
  payments list [--limit N] [--status S] [--search TEXT] | payments show PI
                      from the local store; with --remote at Stripe ([--customer C]
                      [--search QUERY])
  recover [--stale-after SECONDS] [--rounds N]
                      send the outbox's unfinished calls again with their idempotency keys
  sync [--backfill] [--follow] [--interval SECONDS]
                      apply Stripe's events to the store (--backfill first reads every payment,
                      refund, customer and saved card; --follow keeps polling)
  export csv [--from DATE] [--to DATE] FILE    payments of the store as CSV
  webhook serve [--secret-stdin] [--listen 127.0.0.1:PORT] [--rate-limit N]
                      receive webhooks into the store (N requests/s per address, default 100, 0: off);
                      the secret from stdin, else the profile's in the keychain
  webhook register URL [--events a,b]   create a webhook endpoint; its secret goes to the keychain
  refund PI [--amount A] [--reason duplicate|fraudulent|requested_by_customer]
  refunds list [--limit N] | refunds show RE      refunds at Stripe
  refunds request PI [--amount A] --reason duplicate|fraudulent|requested_by_customer|none [--note TEXT]
                      ask for a refund (default: what is left); a manager approves it, unless your
                      role refunds directly or the owner's threshold covers it
  refunds pending | refunds history [--limit N]    the approval queue, every till's
  refunds approve REQUEST | refunds reject REQUEST --reason TEXT
                      decide as a manager or owner (--user with the PIN: the re-entry)
  customers create [--email E] [--name N] [--phone P] | customers list [--email E] [--search Q]
      | customers show CUSTOMER
  methods list CUSTOMER | methods attach CUSTOMER PM | methods detach PM | methods default CUSTOMER PM
  events list [--type TYPE] [--since UNIX_TIME] [--limit N] | events show EVENT
  readers list | readers show READER | readers process READER PI
      | readers present READER [--card NUMBER] | readers cancel READER
  checkout create --amount A --currency C [--name ITEM] [--customer C] [--success-url URL]
      | checkout create --mode setup --customer C | checkout show CS | checkout expire CS
  balance
  keys set [--publishable|--webhook|--database-password]
                      keep a secret in the OS keychain for --profile, read from stdin's first line;
                      a secret or restricted key is checked with Stripe first (GET /v1/balance)
  keys check [--publishable|--webhook|--database-password]
                      the stored key: test or live, masked, and (sk_/rk_) whether Stripe accepts it
  keys remove [--publishable|--webhook|--database-password|--all]
  webhook verify --secret-stdin --payload FILE --header 'STRIPE_SIGNATURE' [--tolerance SECONDS]
  webhook sign --secret-stdin --payload FILE [--timestamp UNIX_TIME]
  users add NAME --role owner|manager|cashier [--display-name TEXT]
                      the new user's PIN from KASSA_NEW_PIN, else the next line of stdin; without
                      --user only while the store has no users (the first must be an owner)
  users list | users disable NAME | users enable NAME | users set-pin NAME
  audit verify        check the audit log's hash chain; names the first broken entry
  audit show [--limit N]

Every command that changes something takes --idempotency-key KEY (default: a new one per run).
pay, capture, cancel, refund and methods attach|detach|default go through the store's outbox: the
call is saved with its key before it is sent, so `recover` can settle it after a crash or lost
connection without charging twice.
Amounts are written with a dot: 12.50 (usd), 1200 (jpy), 1.250 (kwd). --limit 0 lists everything.

Exit codes:
  0 success          1 other failure      2 usage            3 card declined
  4 invalid request  5 idempotency error  6 authentication   7 permission
  8 rate limited     9 Stripe API error   10 no connection   11 canceled
  12 webhook signature invalid
)"_s;
}

void CliRunner::start()
{
    QStringList rest = m_arguments.mid(1);
    QString apiBase = QProcessEnvironment::systemEnvironment().value(u"KASSA_API_BASE"_s);
    bool keyFromStdin = false;
    StoreLocation storeLocation; // empty: DatabaseConfig::defaultDataDir()
    // Global options come before the command.
    while (!rest.isEmpty() && (rest.first().startsWith(u"--"_s) || rest.first() == u"-h"_s)) {
        const QString option = rest.takeFirst();
        auto valueOf = [&](const QString &name, QString *value) {
            if (option.startsWith(name + u'=')) {
                *value = option.mid(name.size() + 1);
                return true;
            }
            if (option == name) {
                if (rest.isEmpty()) {
                    m_session->usage(u"%1 needs a value"_s.arg(name));
                    return false;
                }
                *value = rest.takeFirst();
                return true;
            }
            return false;
        };
        QString value;
        if (option == u"--help"_s || option == u"-h"_s) {
            m_out << helpText();
            m_session->finish(ExitOk);
            return;
        }
        if (option == u"--version"_s) {
            m_out << "kassa-cli " << KASSA_VERSION << '\n';
            m_session->finish(ExitOk);
            return;
        }
        if (option == u"--verbose"_s) {
            QLoggingCategory::setFilterRules(u"kassa.*=true"_s);
        } else if (option == u"--json"_s) {
            m_session->setJson(true);
        } else if (option == u"--api-key-stdin"_s) {
            keyFromStdin = true;
        } else if (valueOf(u"--api-base"_s, &value)) {
            apiBase = value;
        } else if (valueOf(u"--data-dir"_s, &value)) {
            storeLocation.dataDir = value;
        } else if (valueOf(u"--database"_s, &value)) {
            storeLocation.databaseUrl = value;
        } else if (valueOf(u"--user"_s, &value)) {
            m_session->setUserName(value);
        } else if (valueOf(u"--profile"_s, &value)) {
            m_session->setProfile(value);
        } else {
            if (!m_session->isFinished())
                m_session->usage(u"unknown global option %1"_s.arg(option));
            return;
        }
        if (m_session->isFinished())
            return;
    }
    if (rest.isEmpty()) {
        m_session->usage(u"no command given"_s);
        return;
    }
    const QString command = rest.takeFirst();
    static const QStringList Commands{
        u"pay"_s,     u"capture"_s, u"cancel"_s,  u"payments"_s, u"refund"_s,  u"refunds"_s, u"customers"_s,
        u"methods"_s, u"events"_s,  u"readers"_s, u"checkout"_s, u"balance"_s, u"webhook"_s, u"recover"_s,
        u"sync"_s,    u"export"_s,  u"keys"_s,    u"users"_s,    u"audit"_s};
    // Usage mistakes are reported before anything else (the key, stdin, the network).
    if (!Commands.contains(command)) {
        m_session->usage(u"unknown command '%1'"_s.arg(command));
        return;
    }
    if (rest.contains(u"--help"_s) || rest.contains(u"-h"_s)) {
        m_out << helpText();
        m_session->finish(ExitOk);
        return;
    }
    // Without a key: webhook verify|sign and serve (serve then re-fetches nothing), export, and payments
    // read from the local store.
    const bool readsStoreOnly =
        command == u"export"_s || (command == u"payments"_s && !rest.contains(u"--remote"_s));
    // keys finds its key itself (stdin for keys set, the keychain for keys check).
    const bool needsStripe = (command != u"webhook"_s || rest.value(0) == u"register"_s) && !readsStoreOnly &&
                             command != u"keys"_s && !UserCommands::handles(command) &&
                             !RefundRequestCommands::readsStoreOnly(command, rest);
    if (needsStripe || command == u"keys"_s) {
        if (!apiBase.isEmpty()) {
            const QUrl url(apiBase, QUrl::StrictMode);
            QString why;
            if (!stripe::StripeClient::isAcceptableApiBase(url, &why)) {
                m_session->usage(u"--api-base: "_s + why);
                return;
            }
            m_session->client().setApiBase(url);
        }
    }
    m_session->setStoreLocation(storeLocation);
    // The key and the store's password may come from the keychain, which answers later. The user logs in
    // after them (the PIN is the next line of stdin after the key).
    auto dispatch = [this, command, rest]() mutable {
        if (!m_session->authenticateUser())
            return;
        if (const std::optional<Permission> needed = permissionFor(command, rest);
            needed && !m_session->permit(*needed))
            return;
        if (UserCommands::run(*m_session, command, rest) || KeyCommands::run(*m_session, command, rest) ||
            RefundRequestCommands::run(*m_session, command, rest) ||
            SyncCommands::run(*m_session, command, rest))
            return;
        rest.removeAll(u"--remote"_s);
        if (PaymentCommands::run(*m_session, command, rest) ||
            CustomerCommands::run(*m_session, command, rest) ||
            TerminalCommands::run(*m_session, command, rest) || EventCommands::run(*m_session, command, rest))
            return;
        m_session->usage(u"unknown command '%1'"_s.arg(command));
    };
    auto prepare = [this, dispatch] { KeyCommands::prepareDatabasePassword(*m_session, dispatch); };
    if (!needsStripe)
        return prepare();
    KeyCommands::resolveStripeKey(*m_session, keyFromStdin, [this, prepare](const QString &key) {
        m_session->client().setApiKey(key);
        prepare();
    });
}

} // namespace kassa::cli
