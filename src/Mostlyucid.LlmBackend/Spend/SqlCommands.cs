using System.Data;
using System.Data.Common;

namespace Mostlyucid.LlmBackend.Spend;

/// <summary>
/// Building commands on the ledger's database (ADO.NET, any provider): the usage store's and the gateway's stored
/// responses, which live in the same database.
/// </summary>
internal static class SqlCommands
{
    /// <summary>Creates a command with its text, in <paramref name="transaction"/> when there is one.</summary>
    public static DbCommand Create(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    /// <summary>
    /// Sets the parameter <paramref name="name"/> (adding it the first time, so a prepared command is reused with new
    /// values); <see langword="null"/> is SQL NULL, typed as text so every provider can bind it.
    /// </summary>
    public static void Set(DbCommand command, string name, object? value)
    {
        DbParameter parameter;
        if (command.Parameters.Contains(name))
        {
            parameter = command.Parameters[name];
        }
        else
        {
            parameter = command.CreateParameter();
            parameter.ParameterName = name;
            command.Parameters.Add(parameter);
        }

        parameter.Value = value ?? DBNull.Value;
        if (value is null)
        {
            parameter.DbType = DbType.String;
        }
    }
}
