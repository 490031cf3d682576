// SPDX-License-Identifier: GPL-3.0-or-later
// The permission table: every role against every permission, spelled out here on its own so that a
// change to the table in core/permissions.cpp has to be made twice, on purpose; the names; require()'s
// refusals; and that the README shows exactly the table the code has.
#include "core/permissions.h"
#include "services/security/actinguser.h"
#include "services/security/overridegrant.h"

#include <QDateTime>
#include <QFile>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace kassa;

class TestPermissions : public QObject
{
    Q_OBJECT

private slots:
    void table_data();
    void table();
    void everyPermissionHasARow();
    void names();
    void refusals();
    void overrideIsOneShot();
    void readmeShowsTheTable();
};

void TestPermissions::table_data()
{
    QTest::addColumn<Role>("role");
    QTest::addColumn<Permission>("permission");
    QTest::addColumn<bool>("allowed");

    // Owner: everything. Manager: the floor (refunds, reports, exports, saved methods) and the cashier's
    // rights. Cashier: sell, ask for refunds, see transactions.
    const QList<Permission> cashier{Permission::TakePayments, Permission::RequestRefunds,
                                    Permission::ViewTransactions};
    const QList<Permission> manager =
        cashier + QList<Permission>{Permission::RefundDirectly, Permission::DecideRefunds,
                                    Permission::ViewReports, Permission::Export,
                                    Permission::ManageSavedMethods};
    for (const Role role : AllRoles) {
        for (const Permission permission : AllPermissions) {
            bool allowed = true;
            if (role == Role::Manager)
                allowed = manager.contains(permission);
            else if (role == Role::Cashier)
                allowed = cashier.contains(permission);
            QTest::addRow("%s/%s", qPrintable(roleName(role)), qPrintable(permissionKey(permission)))
                << role << permission << allowed;
        }
    }
}

void TestPermissions::table()
{
    QFETCH(Role, role);
    QFETCH(Permission, permission);
    QFETCH(bool, allowed);
    QCOMPARE(allows(role, permission), allowed);
    const security::ActingUser actor{7, u"ann"_s, role, u"till-1"_s};
    const security::SecurityError error = security::require(actor, permission);
    QCOMPARE(error.isError(), !allowed);
    if (!allowed) {
        QCOMPARE(error.kind, security::SecurityError::Kind::Refused);
        QCOMPARE(error.message, u"%1 ann may not %2"_s.arg(roleName(role), permissionPhrase(permission)));
    }
}

void TestPermissions::everyPermissionHasARow()
{
    QCOMPARE(AllPermissions.size(), size_t(int(Permission::ViewAuditLog) + 1));
    QStringList keys;
    for (const Permission permission : AllPermissions) {
        QVERIFY(!permissionKey(permission).isEmpty());
        QVERIFY(!permissionLabel(permission).isEmpty());
        QVERIFY(!keys.contains(permissionKey(permission)));
        keys << permissionKey(permission);
        QCOMPARE(permissionFromKey(permissionKey(permission)), std::optional<Permission>(permission));
    }
    QCOMPARE(permissionFromKey(u"launch_rockets"), std::nullopt);
}

void TestPermissions::names()
{
    for (const Role role : AllRoles)
        QCOMPARE(roleFromName(roleName(role)), std::optional<Role>(role));
    QCOMPARE(roleFromName(u"Manager"), std::optional<Role>(Role::Manager));
    QCOMPARE(roleFromName(u"admin"), std::nullopt);
    QCOMPARE(roleFromName(u""), std::nullopt);
}

void TestPermissions::refusals()
{
    const security::ActingUser ann{3, u"ann"_s, Role::Cashier, u"till-1"_s};
    QCOMPARE(security::require(ann, Permission::DecideRefunds).message,
             u"cashier ann may not approve refunds"_s);
    const security::SecurityError nobody =
        security::require(security::ActingUser(), Permission::TakePayments);
    QCOMPARE(nobody.kind, security::SecurityError::Kind::Refused);
    QVERIFY2(nobody.message.contains(u"nobody is logged in"_s), qPrintable(nobody.message));
}

void TestPermissions::overrideIsOneShot()
{
    const security::ActingUser ann{3, u"ann"_s, Role::Cashier, u"till-1"_s};
    const security::ActingUser bob{4, u"bob"_s, Role::Manager, u"till-1"_s};
    const security::ActingUser cid{5, u"cid"_s, Role::Cashier, u"till-2"_s};
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    security::OverrideGrant grant(bob, ann, Permission::RefundDirectly, u"pi_1"_s, now);
    security::OverrideGrant copy = grant;
    // Not for another user, another permission or another object.
    QVERIFY(security::require(cid, Permission::RefundDirectly, &grant, u"pi_1"_s).isError());
    QVERIFY(security::require(ann, Permission::Export, &grant, u"pi_1"_s).isError());
    QVERIFY(security::require(ann, Permission::RefundDirectly, &grant, u"pi_2"_s).isError());
    QVERIFY(!grant.isUsed());
    // Once, for what it names; a copy does not give a second use.
    QVERIFY(!security::require(ann, Permission::RefundDirectly, &grant, u"pi_1"_s).isError());
    QVERIFY(grant.isUsed());
    QVERIFY(copy.isUsed());
    QVERIFY(security::require(ann, Permission::RefundDirectly, &copy, u"pi_1"_s).isError());
    // Expired.
    security::OverrideGrant old(bob, ann, Permission::RefundDirectly, {},
                                now - security::OverrideGrant::ValiditySeconds - 1);
    QVERIFY(security::require(ann, Permission::RefundDirectly, &old).isError());
    QVERIFY(!old.isUsed());
}

void TestPermissions::readmeShowsTheTable()
{
    QFile readme(QStringLiteral(KASSA_SOURCE_DIR) + u"/README.md"_s);
    QVERIFY2(readme.open(QIODevice::ReadOnly), qPrintable(readme.errorString()));
    const QString text = QString::fromUtf8(readme.readAll());
    const QString begin = u"<!-- permission table: generated by permissionTableMarkdown(), checked by "
                          "tst_permissions -->\n"_s;
    const QString end = u"<!-- end of permission table -->"_s;
    const qsizetype from = text.indexOf(begin);
    const qsizetype to = text.indexOf(end);
    QVERIFY2(from >= 0 && to > from, "README.md has no permission table between the markers");
    const QString shown = text.mid(from + begin.size(), to - from - begin.size());
    QCOMPARE(shown, permissionTableMarkdown());
}

QTEST_GUILESS_MAIN(TestPermissions)
#include "tst_permissions.moc"
