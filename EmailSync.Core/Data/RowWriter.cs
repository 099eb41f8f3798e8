using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using System.Data.Common;

namespace EmailSync.Core.Data;

/// <summary>
/// Inserts many rows of one entity type through one prepared command, reusing it per row. Table and
/// column names, value converters and parameter types come from the EF model, so the same code runs on
/// SQLite and SQL Server. Used on the sync hot path only, where EF's per-entity insert was measured to
/// be the bound (DESIGN §11); it bypasses change tracking and interceptors, so callers set every value
/// (tenant included) themselves. Runs in the context's current transaction.
/// </summary>
internal static class RowWriter
{
    public static async Task InsertAsync<T>(EmailSyncDbContext db, IReadOnlyCollection<T> rows, Action<T, long>? setGeneratedId, CancellationToken ct)
        where T : class
    {
        if (rows.Count == 0)
        {
            return;
        }

        if (!db.AllTenants && rows.OfType<Domain.ITenantOwned>().Any(r => r.OrganizationId != db.TenantId))
        {
            throw new CrossTenantWriteException(typeof(T).Name);
        }

        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var key = entity.FindPrimaryKey()!.Properties.Single();
        var columns = entity.GetProperties().Where(p => p != key || p.ValueGenerated == ValueGenerated.Never).ToList();
        var sql = db.GetService<ISqlGenerationHelper>();
        var names = string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.GetColumnName(table)!)));
        var values = string.Join(", ", columns.Select((_, i) => $"@p{i}"));
        var target = sql.DelimitIdentifier(entity.GetTableName()!, entity.GetSchema());
        var keyColumn = sql.DelimitIdentifier(key.GetColumnName(table)!);
        var returning = setGeneratedId is not null;

        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = !returning
            ? $"INSERT INTO {target} ({names}) VALUES ({values})"
            : db.Database.IsSqlServer()
                ? $"INSERT INTO {target} ({names}) OUTPUT INSERTED.{keyColumn} VALUES ({values})"
                : $"INSERT INTO {target} ({names}) VALUES ({values}) RETURNING {keyColumn}";

        var bindings = columns.Select((column, i) =>
        {
            var mapping = (RelationalTypeMapping)column.GetRelationalTypeMapping();
            var parameter = mapping.CreateParameter(command, $"@p{i}", null, column.IsNullable);
            command.Parameters.Add(parameter);
            return (Getter: column.GetGetter(), Converter: mapping.Converter, Parameter: parameter);
        }).ToList();

        var prepared = false;
        foreach (var row in rows)
        {
            foreach (var (getter, converter, parameter) in bindings)
            {
                var value = getter.GetClrValueUsingContainingEntity(row);
                parameter.Value = (converter is null || value is null ? value : converter.ConvertToProvider(value)) ?? DBNull.Value;
            }

            if (!prepared)
            {
                await command.PrepareAsync(ct);
                prepared = true;
            }

            if (returning)
            {
                setGeneratedId!(row, Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                await command.ExecuteNonQueryAsync(ct);
            }
        }
    }
}
