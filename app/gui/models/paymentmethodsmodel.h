// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/store/paymentmethodrepository.h"

#include <QAbstractTableModel>
#include <QDate>
#include <QList>
#include <QString>

namespace kassa::store {
class Database;
}

namespace kassa::gui {

// One customer's saved payment methods (cards, PayPal, Link, bank accounts), newest first, with the
// customer's default marked. A customer has a handful, so they are read whole: setCustomerId() and
// reload() reset the model, and a failure empties it and emits errorOccurred() with the reason.
//
// The Database must outlive the model; reads happen on the GUI thread.
class PaymentMethodsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { TypeColumn, BrandColumn, NumberColumn, ExpiryColumn, DefaultColumn, ColumnCount };
    Q_ENUM(Column)

    enum Role {
        PaymentMethodIdRole = Qt::UserRole + 1, // "pm_..."
        TypeRole,                               // Stripe's type text: "card", "paypal", "link"
        IsDefaultRole,                          // bool: the customer's default method
        IsExpiredRole,                          // bool: a card whose expiry month has passed
    };
    Q_ENUM(Role)

    explicit PaymentMethodsModel(store::Database &db, QObject *parent = nullptr);

    QString customerId() const { return m_customerId; }
    // Loads this customer's methods; an empty id empties the model.
    void setCustomerId(const QString &customerId);
    // The month against which cards count as expired; this month unless a test says otherwise.
    void setToday(const QDate &today) { m_today = today; }
    QString errorString() const { return m_errorString; }

    const store::PaymentMethodRow &methodAt(int row) const { return m_methods.at(row); }
    QString defaultPaymentMethodId() const { return m_defaultId; }

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

public slots:
    // Reads the customer's methods and default again (after a method was added, removed or made default).
    void reload();

signals:
    void errorOccurred(const QString &message);

private:
    bool isExpired(const store::PaymentMethodRow &method) const;

    store::Database &m_db;
    QString m_customerId;
    QString m_defaultId;
    QList<store::PaymentMethodRow> m_methods;
    QDate m_today;
    QString m_errorString;
};

} // namespace kassa::gui
