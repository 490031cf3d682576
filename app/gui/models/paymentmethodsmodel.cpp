// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/models/paymentmethodsmodel.h"

#include "core/cardbrand.h"
#include "core/paymentmethodtype.h"
#include "services/store/customerrepository.h"
#include "services/store/database.h"

using namespace Qt::StringLiterals;

namespace kassa::gui {

PaymentMethodsModel::PaymentMethodsModel(store::Database &db, QObject *parent)
    : QAbstractTableModel(parent)
    , m_db(db)
{
}

void PaymentMethodsModel::setCustomerId(const QString &customerId)
{
    m_customerId = customerId;
    reload();
}

void PaymentMethodsModel::reload()
{
    beginResetModel();
    m_methods.clear();
    m_defaultId.clear();
    store::StoreError failure;
    if (!m_customerId.isEmpty()) {
        const store::StoreResult<QList<store::PaymentMethodRow>> methods =
            store::PaymentMethodRepository(m_db).forCustomer(m_customerId);
        const store::StoreResult<std::optional<store::CustomerRow>> customer =
            methods.ok() ? store::CustomerRepository(m_db).find(m_customerId)
                         : store::StoreResult<std::optional<store::CustomerRow>>(methods.error());
        if (customer.ok()) {
            m_methods = methods.value();
            if (customer.value())
                m_defaultId = customer.value()->defaultPaymentMethodId;
        } else {
            failure = customer.error();
        }
    }
    endResetModel();
    if (failure.isError()) {
        m_errorString = tr("The saved payment methods could not be read from the local store: %1")
                            .arg(failure.toString());
        emit errorOccurred(m_errorString);
        return;
    }
    m_errorString.clear();
}

int PaymentMethodsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_methods.size());
}

int PaymentMethodsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

bool PaymentMethodsModel::isExpired(const store::PaymentMethodRow &method) const
{
    if (method.expYear <= 0 || method.expMonth <= 0)
        return false;
    const QDate today = m_today.isValid() ? m_today : QDate::currentDate();
    // A card is good through the last day of its expiry month.
    return method.expYear < today.year() ||
           (method.expYear == today.year() && method.expMonth < today.month());
}

QVariant PaymentMethodsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const store::PaymentMethodRow &method = m_methods.at(index.row());
    const bool isDefault = !m_defaultId.isEmpty() && method.id == m_defaultId;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TypeColumn:
            return displayName(fromStripe<PaymentMethodType>(method.type));
        case BrandColumn:
            return method.cardBrand.isEmpty() ? QString()
                                              : displayName(fromStripe<CardBrand>(method.cardBrand));
        case NumberColumn:
            // PayPal and Link have no number: the account's email says which one it is.
            if (!method.cardLast4.isEmpty())
                return QString(u"\u2022\u2022\u2022\u2022\u00a0"_s + method.cardLast4);
            return method.billingEmail;
        case ExpiryColumn:
            if (method.expMonth <= 0 || method.expYear <= 0)
                return QString();
            // As printed on the card: MM/YY.
            return u"%1/%2"_s.arg(method.expMonth, 2, 10, QLatin1Char('0'))
                .arg(method.expYear % 100, 2, 10, QLatin1Char('0'));
        case DefaultColumn:
            return isDefault ? tr("Default") : QString();
        default:
            return {};
        }
    case Qt::ToolTipRole:
        if (index.column() == ExpiryColumn && isExpired(method))
            return tr("This card has expired.");
        return {};
    case PaymentMethodIdRole:
        return method.id;
    case TypeRole:
        return method.type;
    case IsDefaultRole:
        return isDefault;
    case IsExpiredRole:
        return isExpired(method);
    default:
        return {};
    }
}

QVariant PaymentMethodsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TypeColumn:
        return tr("Type");
    case BrandColumn:
        return tr("Brand");
    case NumberColumn:
        return tr("Number or account");
    case ExpiryColumn:
        return tr("Expires");
    case DefaultColumn:
        return tr("Default");
    default:
        return {};
    }
}

Qt::ItemFlags PaymentMethodsModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
}

} // namespace kassa::gui
