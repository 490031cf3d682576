// SPDX-License-Identifier: GPL-3.0-or-later
// The Settings page over the demo shop (the in-process simulator behind it): a cashier is kept out (no
// Settings in the navigation, and the services refuse a direct call); the owner changes the shop's
// settings and they persist; adds a user who then logs in; changes, checks and removes keys against the
// simulator with a MemorySecretStore and registers a webhook endpoint; and no secret ever shows in a
// widget unmasked. Offscreen; QAbstractItemModelTester watches the users model.
#include "app/gui/settings/keyentrywidget.h"
#include "app/gui/settings/keyspanel.h"
#include "app/gui/settings/settingspage.h"
#include "app/gui/settings/shoppanel.h"
#include "app/gui/settings/usereditor.h"
#include "app/gui/settings/usersmodel.h"
#include "app/gui/settings/userspanel.h"
#include "app/gui/shell/localconfig.h"
#include "app/gui/shell/loginscreen.h"
#include "app/gui/shell/mainwindow.h"
#include "core/currency.h"
#include "core/money.h"
#include "guitestsupport.h"
#include "services/security/auditlog.h"
#include "services/security/keyservice.h"
#include "services/security/memorysecretstore.h"
#include "services/security/settingsservice.h"
#include "services/security/userservice.h"

#include <QAbstractButton>
#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace kassa;
using namespace kassa::gui;
using security::SecretKind;
using security::SettingsService;

namespace {

// Any sk_test_ key works with the simulator; live keys it refuses, as Stripe refuses a wrong one.
const QString NewSecretKey = u"sk_test_settingspage0123456789abcd"_s;
const QString RefusedKey = u"sk_live_settingspage0123456789abcd"_s;
const QString NewPublishableKey = u"pk_test_settingspage0123456789abcd"_s;

} // namespace

class TestSettingsPage : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();

    void cashierIsKeptOut();
    void ownerSeesEveryTab();
    void ownerChangesShopSettings();
    void shopSettingsAreChecked();
    void addUserAndLogIn();
    void disableResetPinAndChangeRole();
    void keysChangeCheckAndRemove();
    void registerWebhook();
    void nothingSecretShows();
    // With KASSA_SETTINGS_SHOTS=DIR: the owner's window on every tab, as PNGs to look at.
    void screenshots();

private:
    // Every text a person could read off the page: labels, fields (as displayed: a password field shows
    // dots), buttons, tool tips, accessible names, table cells.
    QStringList visibleTexts() const;

    std::unique_ptr<test::DemoShop> m_demo;
    std::unique_ptr<security::MemorySecretStore> m_secrets;
    std::unique_ptr<QTemporaryDir> m_configDir;
    std::unique_ptr<SettingsPage> m_page;
    QStringList m_secretsUsed;
};

void TestSettingsPage::initTestCase()
{
    m_demo = std::make_unique<test::DemoShop>(60);
    QString error;
    QVERIFY2(m_demo->startAndWait(&error), qPrintable(error));
    m_secretsUsed << DemoSession::apiKey() << NewSecretKey << RefusedKey << NewPublishableKey;
}

void TestSettingsPage::init()
{
    m_secrets = std::make_unique<security::MemorySecretStore>();
    m_configDir = std::make_unique<QTemporaryDir>();
    SettingsPage::Options options;
    options.secrets = m_secrets.get();
    options.localConfigPath = LocalConfig::defaultPath(m_configDir->path());
    m_page = std::make_unique<SettingsPage>(m_demo->context(), options);
    new QAbstractItemModelTester(m_page->usersPanel()->model(),
                                 QAbstractItemModelTester::FailureReportingMode::QtTest, m_page.get());
    QVERIFY(test::showAndWait(m_page.get(), {1100, 760}));
}

void TestSettingsPage::cleanup()
{
    // Whatever a test left open or typed, nothing secret may be readable off the page.
    if (m_page)
        nothingSecretShows();
    m_page.reset();
    m_secrets.reset();
}

void TestSettingsPage::cleanupTestCase()
{
    m_demo.reset();
}

QStringList TestSettingsPage::visibleTexts() const
{
    QStringList texts;
    for (QWidget *widget : m_page->findChildren<QWidget *>()) {
        texts << widget->toolTip() << widget->accessibleName() << widget->windowTitle();
        if (auto *label = qobject_cast<QLabel *>(widget))
            texts << label->text();
        if (auto *edit = qobject_cast<QLineEdit *>(widget))
            texts << edit->displayText() << edit->placeholderText();
        if (auto *button = qobject_cast<QAbstractButton *>(widget))
            texts << button->text();
        if (auto *plain = qobject_cast<QPlainTextEdit *>(widget))
            texts << plain->toPlainText();
        if (auto *table = qobject_cast<QTableView *>(widget)) {
            const QAbstractItemModel *model = table->model();
            for (int row = 0; row < model->rowCount(); ++row) {
                for (int column = 0; column < model->columnCount(); ++column)
                    texts << model->index(row, column).data().toString();
            }
        }
    }
    return texts;
}

void TestSettingsPage::nothingSecretShows()
{
    const QStringList texts = visibleTexts();
    QVERIFY(!texts.isEmpty());
    for (const QString &secret : std::as_const(m_secretsUsed)) {
        for (const QString &text : texts)
            QVERIFY2(!text.contains(secret), qPrintable(u"a widget shows a secret in: "_s + text.left(40)));
    }
}

void TestSettingsPage::cashierIsKeptOut()
{
    // In the window: no Settings in a cashier's navigation, with the page plugged in.
    MainWindow window(m_demo->context());
    SettingsPage::Options options;
    options.secrets = m_secrets.get();
    auto *page = new SettingsPage(m_demo->context(), options);
    window.addPage(Section::Settings, page);
    connect(&window, &MainWindow::userChanged, page, &SettingsPage::setUser);
    window.show();
    LoginScreen *login = window.loginScreen();
    login->selectUser(u"cara"_s);
    QTest::keyClicks(login->pinField(), u"3333"_s);
    QTest::keyClick(login->pinField(), Qt::Key_Return);
    QVERIFY(QTest::qWaitFor([&] { return !window.isLocked(); }, 10'000));
    QVERIFY(!window.visibleSections().contains(Section::Settings));
    // Even handed the page, a cashier sees no tab.
    QVERIFY(page->visibleTabs().isEmpty());
    QCOMPARE(page->user().name, u"cara"_s);

    // And the services refuse the cashier (and the manager) whatever a page shows.
    const security::ActingUser cara = m_demo->logIn(u"cara"_s, u"3333"_s);
    const security::ActingUser max = m_demo->logIn(u"max"_s, u"2222"_s);
    QVERIFY(cara.isValid() && max.isValid());
    security::AuditLog audit(m_demo->database(), DemoSession::tillId());
    SettingsService settings(m_demo->database(), audit);
    for (const security::ActingUser &who : {cara, max}) {
        QCOMPARE(settings.setValue(who, QString(SettingsService::IdleLockKey), u"5"_s).kind,
                 security::SecurityError::Kind::Refused);
        QCOMPARE(settings.setValue(who, QString(SettingsService::ReceiptHeaderKey), u"x"_s).kind,
                 security::SecurityError::Kind::Refused);
    }
    security::UserService users(m_demo->database(), audit, test::TestHasher);
    const auto added = users.addUser(cara, {u"eve"_s, {}, Role::Owner}, u"123456"_s);
    QVERIFY(!added.ok());
    QCOMPARE(added.error().kind, security::SecurityError::Kind::Refused);
    QCOMPARE(users.setRole(cara, u"cara"_s, Role::Owner).kind, security::SecurityError::Kind::Refused);
    QCOMPARE(users.setDisabled(cara, u"max"_s, true).kind, security::SecurityError::Kind::Refused);

    security::KeyService keys(*m_secrets, nullptr, u"default"_s,
                              security::KeyService::Gate::RequireManageKeys, {});
    std::optional<security::KeyService::Outcome> outcome;
    keys.set(cara, SecretKind::StripeSecretKey, NewSecretKey, this,
             [&](const security::KeyService::Outcome &o) { outcome = o; });
    QTRY_VERIFY(outcome.has_value());
    QCOMPARE(outcome->status, security::KeyService::Outcome::Status::Refused);
    QCOMPARE(m_secrets->size(), 0);
    outcome.reset();
    keys.registerWebhook(max, m_demo->client(), u"https://example.com/hook"_s, {}, this,
                         [&](const security::KeyService::Outcome &o) { outcome = o; });
    QTRY_VERIFY(outcome.has_value());
    QCOMPARE(outcome->status, security::KeyService::Outcome::Status::Refused);
}

void TestSettingsPage::ownerSeesEveryTab()
{
    m_page->setUser(m_demo->logIn(u"olga"_s, u"1111"_s));
    QCOMPARE(m_page->visibleTabs(), (QStringList{u"Keys"_s, u"Webhook"_s, u"Shop"_s, u"Users"_s}));
    m_page->setUser(m_demo->logIn(u"max"_s, u"2222"_s));
    QVERIFY(m_page->visibleTabs().isEmpty());
    m_page->setUser({});
    QVERIFY(m_page->visibleTabs().isEmpty());
}

void TestSettingsPage::ownerChangesShopSettings()
{
    m_page->setUser(m_demo->logIn(u"olga"_s, u"1111"_s));
    ShopPanel *shop = m_page->shopPanel();
    shop->thresholdBox()->setChecked(true);
    shop->thresholdAmount()->setText(Money(2000, *Currency::fromCode(u"eur")).formatPlain(QLocale()));
    shop->thresholdCurrency()->setCurrentIndex(shop->thresholdCurrency()->findData(u"eur"_s));
    shop->idleLockBox()->setValue(120);
    shop->pollBox()->setValue(30);
    shop->receiptHeader()->setPlainText(u"Kaffeehaus Olga\nHauptstr. 1, Wien"_s);
    shop->receiptFooter()->setPlainText(u"Danke!"_s);
    shop->localeBox()->setCurrentIndex(shop->localeBox()->findData(u"de_DE"_s));
    shop->databaseField()->setText(u"postgresql://kassa@db.shop:5432/kassa"_s);
    QTest::mouseClick(shop->saveButton(), Qt::LeftButton);
    QCOMPARE(shop->message(), u"Saved."_s);

    security::AuditLog audit(m_demo->database(), DemoSession::tillId());
    SettingsService settings(m_demo->database(), audit);
    QCOMPARE(settings.value(QString(SettingsService::RefundThresholdKey)).value(), u"2000 eur"_s);
    QCOMPARE(settings.idleLockSeconds(), 120);
    QCOMPARE(settings.pollIntervalSeconds(), 30);
    QCOMPARE(settings.value(u"receipt.header"_s).value(), u"Kaffeehaus Olga\nHauptstr. 1, Wien"_s);
    QCOMPARE(settings.value(u"receipt.footer"_s).value(), u"Danke!"_s);
    QCOMPARE(settings.value(u"ui.locale"_s).value(), u"de_DE"_s);
    QCOMPARE(LocalConfig(LocalConfig::defaultPath(m_configDir->path())).databaseUrl(),
             u"postgresql://kassa@db.shop:5432/kassa"_s);

    // A page built afresh shows what is stored.
    SettingsPage::Options options;
    options.secrets = m_secrets.get();
    options.localConfigPath = LocalConfig::defaultPath(m_configDir->path());
    SettingsPage again(m_demo->context(), options);
    again.setUser(m_demo->logIn(u"olga"_s, u"1111"_s));
    QVERIFY(again.shopPanel()->thresholdBox()->isChecked());
    QCOMPARE(again.shopPanel()->thresholdAmount()->text(),
             Money(2000, *Currency::fromCode(u"eur")).formatPlain(QLocale()));
    QCOMPARE(again.shopPanel()->idleLockBox()->value(), 120);
    QCOMPARE(again.shopPanel()->receiptFooter()->toPlainText(), u"Danke!"_s);
    QCOMPARE(again.shopPanel()->localeBox()->currentData().toString(), u"de_DE"_s);
    QCOMPARE(again.shopPanel()->databaseField()->text(), u"postgresql://kassa@db.shop:5432/kassa"_s);

    // No threshold: every cashier refund waits again; the idle lock off.
    shop->thresholdBox()->setChecked(false);
    shop->idleLockBox()->setValue(0);
    QVERIFY(shop->save());
    QCOMPARE(settings.value(QString(SettingsService::RefundThresholdKey)).value(), u"none"_s);
    QCOMPARE(settings.idleLockSeconds(), 0);
    // Put back what the other tests expect.
    shop->idleLockBox()->setValue(300);
    shop->localeBox()->setCurrentIndex(0);
    QVERIFY(shop->save());
}

void TestSettingsPage::shopSettingsAreChecked()
{
    m_page->setUser(m_demo->logIn(u"olga"_s, u"1111"_s));
    ShopPanel *shop = m_page->shopPanel();
    shop->thresholdBox()->setChecked(true);
    shop->thresholdAmount()->setText(u"twenty"_s);
    QVERIFY(!shop->save());
    QVERIFY2(shop->message().startsWith(u"The refund threshold"_s), qPrintable(shop->message()));
    shop->thresholdBox()->setChecked(false);
    shop->receiptHeader()->setPlainText(QString(SettingsService::MaxReceiptTextLength + 1, u'x'));
    QVERIFY(!shop->save());
    QVERIFY2(shop->message().contains(u"at most"_s), qPrintable(shop->message()));
    shop->reload();
    shop->databaseField()->setText(u"postgresql://kassa:secret@db.shop/kassa"_s);
    QVERIFY(!shop->save());
    QVERIFY2(shop->message().contains(u"password"_s), qPrintable(shop->message()));
    shop->reload();

    // The service checks on its own, whoever calls it.
    const security::ActingUser olga = m_demo->logIn(u"olga"_s, u"1111"_s);
    security::AuditLog audit(m_demo->database(), DemoSession::tillId());
    SettingsService settings(m_demo->database(), audit);
    QCOMPARE(settings.setValue(olga, u"refunds.approval_threshold"_s, u"20 euros"_s).kind,
             security::SecurityError::Kind::Invalid);
    QCOMPARE(settings.setValue(olga, u"security.idle_lock_seconds"_s, u"-1"_s).kind,
             security::SecurityError::Kind::Invalid);
    QCOMPARE(settings.setValue(olga, u"ui.locale"_s, u"xx_YY"_s).kind,
             security::SecurityError::Kind::Invalid);
}

void TestSettingsPage::addUserAndLogIn()
{
    m_page->setUser(m_demo->logIn(u"olga"_s, u"1111"_s));
    UsersPanel *users = m_page->usersPanel();
    QVERIFY(users->model()->rowOf(u"cara"_s) >= 0);
    users->openAddDialog();
    UserEditorDialog *dialog = users->editorDialog();
    QVERIFY(dialog);
    QPushButton *ok = dialog->buttons()->button(QDialogButtonBox::Ok);
    QVERIFY(!ok->isEnabled());
    UserEditor *editor = dialog->editor();
    QTest::keyClicks(editor->nameField(), u"Nina"_s);
    editor->displayNameField()->setText(u"Nina K."_s);
    editor->roleBox()->setCurrentIndex(editor->roleBox()->findData(int(Role::Cashier)));
    QTest::keyClicks(editor->pinField(), u"4455"_s);
    QTest::keyClicks(editor->repeatField(), u"4456"_s);
    QVERIFY(!ok->isEnabled());
    QCOMPARE(editor->problem(), u"The two PINs differ."_s);
    editor->repeatField()->clear();
    QTest::keyClicks(editor->repeatField(), u"4455"_s);
    QVERIFY(ok->isEnabled());
    QTest::mouseClick(ok, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!users->isBusy(), 10'000);
    QVERIFY2(users->message().startsWith(u"Added cashier nina"_s), qPrintable(users->message()));
    QVERIFY(!users->editorDialog());
    QCOMPARE(users->selectedName(), u"nina"_s);

    const security::ActingUser nina = m_demo->logIn(u"nina"_s, u"4455"_s);
    QVERIFY(nina.isValid());
    QCOMPARE(nina.role, Role::Cashier);

    // A name that is taken: the service's refusal shows in the dialog, which stays open.
    users->openAddDialog();
    dialog = users->editorDialog();
    dialog->editor()->nameField()->setText(u"nina"_s);
    dialog->editor()->pinField()->setText(u"9876"_s);
    dialog->editor()->repeatField()->setText(u"9876"_s);
    QTest::mouseClick(dialog->buttons()->button(QDialogButtonBox::Ok), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!users->isBusy(), 10'000);
    QVERIFY(users->editorDialog());
    bool shown = false;
    for (QLabel *label : dialog->findChildren<QLabel *>())
        shown = shown || label->text().contains(u"exists"_s);
    QVERIFY(shown);
    users->closeDialog();
}

void TestSettingsPage::disableResetPinAndChangeRole()
{
    const security::ActingUser olga = m_demo->logIn(u"olga"_s, u"1111"_s);
    m_page->setUser(olga);
    UsersPanel *users = m_page->usersPanel();
    security::AuditLog audit(m_demo->database(), DemoSession::tillId());
    security::UserService service(m_demo->database(), audit, test::TestHasher);
    if (users->model()->rowOf(u"paul"_s) < 0) {
        QVERIFY(service.addUser(olga, {u"paul"_s, {}, Role::Cashier}, u"5566"_s).ok());
        users->refresh();
    }
    QVERIFY(users->select(u"paul"_s));
    QCOMPARE(users->enableButton()->text(), u"Disable"_s);
    QTest::mouseClick(users->enableButton(), Qt::LeftButton);
    QVERIFY2(users->message().contains(u"disabled"_s), qPrintable(users->message()));
    QCOMPARE(users->model()->index(users->model()->rowOf(u"paul"_s), UsersModel::Status).data().toString(),
             u"disabled"_s);
    QVERIFY(!m_demo->logIn(u"paul"_s, u"5566"_s).isValid());
    QTest::mouseClick(users->enableButton(), Qt::LeftButton);
    QVERIFY(m_demo->logIn(u"paul"_s, u"5566"_s).isValid());

    QVERIFY(users->select(u"paul"_s));
    users->openResetPinDialog();
    UserEditorDialog *dialog = users->editorDialog();
    QVERIFY(dialog);
    QCOMPARE(dialog->editor()->nameField()->text(), u"paul"_s);
    QVERIFY(dialog->editor()->nameField()->isReadOnly());
    dialog->editor()->pinField()->setText(u"7788"_s);
    dialog->editor()->repeatField()->setText(u"7788"_s);
    QTest::mouseClick(dialog->buttons()->button(QDialogButtonBox::Ok), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!users->isBusy(), 10'000);
    QVERIFY2(users->message().startsWith(u"New PIN for paul"_s), qPrintable(users->message()));
    QVERIFY(m_demo->logIn(u"paul"_s, u"7788"_s).isValid());

    QVERIFY(users->select(u"paul"_s));
    users->roleBox()->setCurrentIndex(users->roleBox()->findData(int(Role::Manager)));
    QTest::mouseClick(users->roleButton(), Qt::LeftButton);
    QCOMPARE(users->message(), u"Paul is now manager."_s);
    QCOMPARE(m_demo->logIn(u"paul"_s, u"7788"_s).role, Role::Manager);

    // The owner cannot demote themselves (nor the last owner): the service says so.
    QVERIFY(users->select(u"olga"_s));
    users->roleBox()->setCurrentIndex(users->roleBox()->findData(int(Role::Cashier)));
    QTest::mouseClick(users->roleButton(), Qt::LeftButton);
    QVERIFY2(users->message().contains(u"own role"_s), qPrintable(users->message()));
    QCOMPARE(users->roleBox()->currentData().toInt(), int(Role::Owner));
}

void TestSettingsPage::keysChangeCheckAndRemove()
{
    m_page->setUser(m_demo->logIn(u"olga"_s, u"1111"_s));
    KeysPanel *keys = m_page->keysPanel();
    QTRY_COMPARE(keys->busy(), 0);
    QCOMPARE(keys->storedLabel(SecretKind::StripeSecretKey)->text(), u"Nothing stored"_s);

    // A publishable key in the secret key's field: named, masked, and not accepted.
    KeyEntryWidget *entry = keys->entry(SecretKind::StripeSecretKey);
    QCOMPARE(entry->field()->echoMode(), QLineEdit::Password);
    QTest::keyClicks(entry->field(), NewPublishableKey);
    QVERIFY(!keys->saveButton(SecretKind::StripeSecretKey)->isEnabled());
    QVERIFY2(entry->hintLabel()->text().contains(u"publishable key"_s),
             qPrintable(entry->hintLabel()->text()));
    nothingSecretShows(); // the field holds it, but shows dots; the hint shows it masked
    entry->clear();

    // A key Stripe refuses is not kept.
    QTest::keyClicks(entry->field(), RefusedKey);
    QVERIFY(keys->saveButton(SecretKind::StripeSecretKey)->isEnabled());
    QTest::mouseClick(keys->saveButton(SecretKind::StripeSecretKey), Qt::LeftButton);
    QVERIFY(entry->field()->text().isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(keys->busy(), 0, 10'000);
    QVERIFY2(keys->message().startsWith(u"Stripe refuses the key sk_live_...abcd"_s),
             qPrintable(keys->message()));
    QCOMPARE(m_secrets->size(), 0);

    // A test key is checked with the simulator, then kept.
    QTest::keyClicks(entry->field(), NewSecretKey);
    QTest::keyClick(entry->field(), Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(keys->busy(), 0, 10'000);
    QVERIFY2(keys->message().contains(u"accepted by Stripe"_s), qPrintable(keys->message()));
    QVERIFY(m_secrets->contains({u"default"_s, SecretKind::StripeSecretKey}));
    QCOMPARE(keys->storedLabel(SecretKind::StripeSecretKey)->text(), u"sk_test_...abcd  (test secret key)"_s);

    QTest::mouseClick(keys->checkButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(keys->busy(), 0, 10'000);
    QCOMPARE(keys->message(), u"The secret key sk_test_...abcd is accepted by Stripe."_s);

    QTest::keyClicks(keys->entry(SecretKind::StripePublishableKey)->field(), NewPublishableKey);
    QTest::mouseClick(keys->saveButton(SecretKind::StripePublishableKey), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(keys->busy(), 0, 10'000);
    QCOMPARE(keys->storedLabel(SecretKind::StripePublishableKey)->text(),
             u"pk_test_...abcd  (test publishable key)"_s);

    // Every change is in the audit log, never the key.
    security::AuditLog audit(m_demo->database(), DemoSession::tillId());
    const auto entries = audit.latest(20);
    QVERIFY(entries.ok());
    int sets = 0;
    for (const security::AuditEntry &e : entries.value()) {
        if (e.action == u"keys.set"_s) {
            ++sets;
            QCOMPARE(e.userName, u"olga"_s);
        }
        for (const QString &secret : std::as_const(m_secretsUsed))
            QVERIFY(!e.detailsJson.contains(secret));
    }
    QCOMPARE(sets, 2);

    QTest::mouseClick(keys->removeButton(SecretKind::StripePublishableKey), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(keys->busy(), 0, 10'000);
    QVERIFY(!m_secrets->contains({u"default"_s, SecretKind::StripePublishableKey}));
    QCOMPARE(keys->storedLabel(SecretKind::StripePublishableKey)->text(), u"Nothing stored"_s);

    // A keychain that fails says so.
    m_secrets->setFailure(security::SecretError::Kind::NoService);
    QTest::keyClicks(keys->entry(SecretKind::StripePublishableKey)->field(), NewPublishableKey);
    QTest::mouseClick(keys->saveButton(SecretKind::StripePublishableKey), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(keys->busy(), 0, 10'000);
    QVERIFY(!keys->message().isEmpty());
    QVERIFY(keys->entry(SecretKind::StripePublishableKey)->field()->text().isEmpty());
    m_secrets->setFailure(security::SecretError::Kind::None);
}

void TestSettingsPage::registerWebhook()
{
    m_page->setUser(m_demo->logIn(u"olga"_s, u"1111"_s));
    WebhookPanel *webhook = m_page->webhookPanel();
    QTRY_COMPARE(webhook->busy(), 0);
    webhook->listenField()->setText(u"127.0.0.1:8787"_s);
    QTest::mouseClick(webhook->saveListenButton(), Qt::LeftButton);
    QVERIFY2(webhook->message().startsWith(u"Listen address saved"_s), qPrintable(webhook->message()));
    webhook->listenField()->setText(u"somewhere"_s);
    QTest::mouseClick(webhook->saveListenButton(), Qt::LeftButton);
    QVERIFY2(webhook->message().contains(u"ADDRESS:PORT"_s), qPrintable(webhook->message()));

    QVERIFY(!webhook->registerButton()->isEnabled());
    webhook->urlField()->setText(u"https://till.example.com/webhook"_s);
    QVERIFY(webhook->registerButton()->isEnabled());
    QTest::mouseClick(webhook->registerButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(webhook->message().startsWith(u"Endpoint we_"_s) || webhook->busy() == 0,
                             10'000);
    QTRY_COMPARE_WITH_TIMEOUT(webhook->busy(), 0, 10'000);
    QVERIFY2(webhook->message().startsWith(u"Endpoint we_"_s), qPrintable(webhook->message()));
    QVERIFY(m_secrets->contains({u"default"_s, SecretKind::WebhookSecret}));
    QVERIFY2(webhook->secretLabel()->text().startsWith(u"whsec_..."_s),
             qPrintable(webhook->secretLabel()->text()));
    QVERIFY(webhook->endpointLabel()->text().startsWith(u"https://till.example.com/webhook"_s));
    // The secret Stripe showed once is in the keychain only.
    std::optional<security::SecretResult> stored;
    m_secrets->read({u"default"_s, SecretKind::WebhookSecret}, this,
                    [&](const security::SecretResult &r) { stored = r; });
    QTRY_VERIFY(stored.has_value());
    QVERIFY(stored->value.startsWith(u"whsec_"_s));
    m_secretsUsed << stored->value;
    // Audited by whom and which endpoint, never with the secret.
    security::AuditLog audit(m_demo->database(), DemoSession::tillId());
    const auto entries = audit.latest(10);
    QVERIFY(entries.ok());
    bool audited = false;
    for (const security::AuditEntry &e : entries.value()) {
        QVERIFY(!e.detailsJson.contains(stored->value));
        audited = audited || (e.action == u"webhook.register"_s && e.userName == u"olga"_s &&
                              e.details().value(u"kept_in_keychain"_s).toBool());
    }
    QVERIFY(audited);
}

void TestSettingsPage::screenshots()
{
    const QString dir = qEnvironmentVariable("KASSA_SETTINGS_SHOTS");
    if (dir.isEmpty())
        QSKIP("set KASSA_SETTINGS_SHOTS=DIR to save the pictures");
    QDir().mkpath(dir);
    m_page->hide();
    MainWindow window(m_demo->context());
    SettingsPage::Options options;
    options.secrets = m_secrets.get();
    options.localConfigPath = LocalConfig::defaultPath(m_configDir->path());
    auto *page = new SettingsPage(m_demo->context(), options);
    window.addPage(Section::Settings, page);
    connect(&window, &MainWindow::userChanged, page, &SettingsPage::setUser);
    window.resize(1280, 760);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.grab().save(QDir(dir).filePath(u"login.png"_s)));
    LoginScreen *login = window.loginScreen();
    login->selectUser(u"olga"_s);
    QTest::keyClicks(login->pinField(), u"1111"_s);
    QTest::keyClick(login->pinField(), Qt::Key_Return);
    QVERIFY(QTest::qWaitFor([&] { return !window.isLocked(); }, 10'000));
    window.showSection(Section::Settings);
    bool written = false;
    m_secrets->write({u"default"_s, SecretKind::StripeSecretKey}, DemoSession::apiKey(), this,
                     [&](const security::SecretError &) { written = true; });
    QTRY_VERIFY(written);
    const QStringList names{u"keys"_s, u"webhook"_s, u"shop"_s, u"users"_s};
    for (int tab = 0; tab < page->tabs()->count(); ++tab) {
        page->tabs()->setCurrentIndex(tab);
        if (tab == 0) {
            page->keysPanel()->refresh();
            QTRY_COMPARE(page->keysPanel()->busy(), 0);
            QTest::keyClicks(page->keysPanel()->entry(SecretKind::StripePublishableKey)->field(),
                             NewPublishableKey);
        }
        if (tab == 3) {
            page->usersPanel()->select(u"cara"_s);
        }
        QTest::qWait(200);
        QVERIFY(window.grab().save(QDir(dir).filePath(u"settings-"_s + names.value(tab) + u".png"_s)));
    }
    page->keysPanel()->clearEntries();
    page->tabs()->setCurrentIndex(3);
    page->usersPanel()->openAddDialog();
    UserEditorDialog *dialog = page->usersPanel()->editorDialog();
    dialog->editor()->nameField()->setText(u"nina"_s);
    dialog->editor()->pinField()->setText(u"4455"_s);
    QTest::qWait(200);
    QVERIFY(dialog->grab().save(QDir(dir).filePath(u"settings-adduser.png"_s)));
    page->usersPanel()->closeDialog();
}

QTEST_MAIN(TestSettingsPage)
#include "tst_settingspage.moc"
