using System.Collections.Concurrent;
using System.Data.Common;
using System.Reflection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Npgsql;

namespace DicomWeb.Storage.Index;

/// <summary>The identity and blobs of an instance row already in the index.</summary>
/// <param name="Id">Its key.</param>
/// <param name="ContentHash">Hash of its stored bytes (see <see cref="Ingest.ContentHash"/>).</param>
/// <param name="BlobKey">Its Part 10 blob.</param>
/// <param name="MetadataKey">Its metadata blob.</param>
internal sealed record IndexedInstance(long Id, string ContentHash, string BlobKey, string MetadataKey);

/// <summary>
/// Writes index rows with plain SQL on one connection: no change tracking, and commands that stay prepared for
/// every instance of a group commit and, on SQLite, for the next groups too. Table and column names come from the EF Core model, so the
/// same statements run on SQLite and PostgreSQL and follow the model when columns are added.
/// </summary>
internal sealed class IndexRowWriter : IDisposable
{
    private readonly DbConnection _connection;
    private readonly IndexStatements _sql;
    private readonly Dictionary<string, DbCommand> _commands = [];
    private DbTransaction? _transaction;

    public IndexRowWriter(DbConnection connection, IndexStatements sql)
    {
        _connection = connection;
        _sql = sql;
    }

    /// <summary>Runs the following statements in <paramref name="transaction"/>; prepared commands are kept across transactions.</summary>
    public void Use(DbTransaction transaction)
    {
        _transaction = transaction;
        foreach (var command in _commands.Values) command.Transaction = transaction;
    }

    /// <summary>
    /// Takes the shared <see cref="StudyLocks"/> of the patients and studies a store group writes to, before it looks
    /// anything up (PostgreSQL; nothing on SQLite).
    /// </summary>
    public async Task LockStudiesAsync(IEnumerable<(string PatientKey, string StudyUid)> subjects)
    {
        if (!_sql.UsesStudyLocks) return;
        var command = Command(StudyLocks.SharedStatement, 1);
        foreach (var key in StudyLocks.Keys(subjects))
        {
            command.Parameters[0].Value = key;
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>The instance row with this SOP Instance UID, if any.</summary>
    public async Task<IndexedInstance?> FindInstanceAsync(string sopInstanceUid)
    {
        var command = Command(_sql.FindInstance, 1);
        command.Parameters[0].Value = sopInstanceUid;
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) return null;
        return new IndexedInstance(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3));
    }

    /// <summary>The key of the patient with this identity, if any.</summary>
    public Task<long?> FindPatientAsync(string patientKey) => FindIdAsync(_sql.FindPatient, patientKey);

    /// <summary>The key of the study with this UID, if any.</summary>
    public Task<long?> FindStudyAsync(string studyInstanceUid) => FindIdAsync(_sql.FindStudy, studyInstanceUid);

    /// <summary>The key of the series with this UID, if any.</summary>
    public Task<long?> FindSeriesAsync(string seriesInstanceUid) => FindIdAsync(_sql.FindSeries, seriesInstanceUid);

    /// <summary>Inserts a row of one of the index tables and returns its generated key.</summary>
    public async Task<long> InsertAsync<T>(T record) where T : class
    {
        var table = _sql.Table(typeof(T));
        var command = Command(table.Insert, table.Columns.Length);
        table.Bind(command, record);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    /// <summary>Overwrites every column of the row <paramref name="id"/> with <paramref name="record"/>'s values.</summary>
    public async Task UpdateAsync<T>(long id, T record) where T : class
    {
        var table = _sql.Table(typeof(T));
        var command = Command(table.Update, table.Columns.Length + 1);
        table.Bind(command, record);
        command.Parameters[table.Columns.Length].Value = id;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Sets UpdatedAt of studies and series whose content changed.</summary>
    public async Task TouchAsync(IEnumerable<long> studies, IEnumerable<long> series, DateTime now)
    {
        foreach (var (sql, ids) in new[] { (_sql.TouchStudy, studies), (_sql.TouchSeries, series) })
        {
            foreach (var id in ids)
            {
                var command = Command(sql, 2);
                command.Parameters[0].Value = now;
                command.Parameters[1].Value = id;
                await command.ExecuteNonQueryAsync();
            }
        }
    }

    /// <summary>True when <paramref name="e"/> is a unique constraint violation, as when a concurrent writer inserted the same row first.</summary>
    public static bool IsUniqueViolation(Exception e) =>
        e is SqliteException { SqliteExtendedErrorCode: SqliteUniqueViolation or SqlitePrimaryKeyViolation }
        || e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    private const int SqliteUniqueViolation = 2067;
    private const int SqlitePrimaryKeyViolation = 1555;

    private async Task<long?> FindIdAsync(string sql, string value)
    {
        var command = Command(sql, 1);
        command.Parameters[0].Value = value;
        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? null : Convert.ToInt64(result);
    }

    private DbCommand Command(string sql, int parameters)
    {
        if (_commands.TryGetValue(sql, out var command)) return command;
        command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _transaction;
        for (var i = 0; i < parameters; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "p" + i;
            command.Parameters.Add(parameter);
        }
        _commands[sql] = command;
        return command;
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values) command.Dispose();
        _commands.Clear();
    }
}

/// <summary>The statements of <see cref="IndexRowWriter"/>, built once per provider from the EF Core model.</summary>
internal sealed class IndexStatements
{
    private static readonly ConcurrentDictionary<string, IndexStatements> ByProvider = new();
    private readonly Dictionary<Type, TableStatements> _tables;

    private IndexStatements(DbContext db)
    {
        var model = db.Model;
        var sql = db.GetService<ISqlGenerationHelper>();
        _tables = new[] { typeof(PatientRecord), typeof(StudyRecord), typeof(SeriesRecord), typeof(InstanceRecord) }
            .ToDictionary(type => type, type => new TableStatements(model.FindEntityType(type)!, sql));
        var instances = _tables[typeof(InstanceRecord)];
        FindInstance = $"SELECT {instances.Key}, {instances.Column(nameof(InstanceRecord.ContentHash))}, {instances.Column(nameof(InstanceRecord.BlobKey))}, " +
                       $"{instances.Column(nameof(InstanceRecord.MetadataKey))} FROM {instances.Name} WHERE {instances.Column(nameof(InstanceRecord.SopInstanceUid))} = @p0";
        FindPatient = _tables[typeof(PatientRecord)].FindIdBy(nameof(PatientRecord.PatientKey));
        FindStudy = _tables[typeof(StudyRecord)].FindIdBy(nameof(StudyRecord.StudyInstanceUid));
        FindSeries = _tables[typeof(SeriesRecord)].FindIdBy(nameof(SeriesRecord.SeriesInstanceUid));
        TouchStudy = _tables[typeof(StudyRecord)].TouchStatement(nameof(StudyRecord.UpdatedAt));
        TouchSeries = _tables[typeof(SeriesRecord)].TouchStatement(nameof(SeriesRecord.UpdatedAt));
        UsesStudyLocks = StudyLocks.Needed(db);
    }

    /// <summary>Writers take <see cref="StudyLocks"/> (PostgreSQL).</summary>
    public bool UsesStudyLocks { get; }

    public string FindInstance { get; }
    public string FindPatient { get; }
    public string FindStudy { get; }
    public string FindSeries { get; }
    public string TouchStudy { get; }
    public string TouchSeries { get; }

    public static IndexStatements For(DbContext db) => ByProvider.GetOrAdd(db.Database.ProviderName ?? "", _ => new IndexStatements(db));

    public TableStatements Table(Type type) => _tables[type];
}

/// <summary>INSERT and UPDATE of one table: every mapped column but the generated key, bound from the record's properties.</summary>
internal sealed class TableStatements
{
    private readonly ISqlGenerationHelper _sql;
    private readonly IEntityType _entity;

    public TableStatements(IEntityType entity, ISqlGenerationHelper sql)
    {
        _entity = entity;
        _sql = sql;
        Name = sql.DelimitIdentifier(entity.GetTableName()!, entity.GetSchema());
        var key = entity.FindPrimaryKey()!.Properties.Single();
        Key = Column(key.Name);
        Columns = entity.GetProperties()
            .Where(p => p != key)
            .Select(p => new ColumnBinding(sql.DelimitIdentifier(p.GetColumnName()), p.PropertyInfo!, p.GetValueConverter() ?? p.GetTypeMapping().Converter))
            .ToArray();
        var names = string.Join(", ", Columns.Select(c => c.Name));
        var values = string.Join(", ", Columns.Select((_, i) => "@p" + i));
        Insert = $"INSERT INTO {Name} ({names}) VALUES ({values}) RETURNING {Key}";
        Update = $"UPDATE {Name} SET {string.Join(", ", Columns.Select((c, i) => $"{c.Name} = @p{i}"))} WHERE {Key} = @p{Columns.Length}";
    }

    public string Name { get; }
    public string Key { get; }
    public ColumnBinding[] Columns { get; }
    public string Insert { get; }
    public string Update { get; }

    public string Column(string property) => _sql.DelimitIdentifier(_entity.FindProperty(property)!.GetColumnName());

    public string FindIdBy(string property) => $"SELECT {Key} FROM {Name} WHERE {Column(property)} = @p0";

    public string TouchStatement(string property) => $"UPDATE {Name} SET {Column(property)} = @p0 WHERE {Key} = @p1";

    public void Bind(DbCommand command, object record)
    {
        for (var i = 0; i < Columns.Length; i++)
        {
            var column = Columns[i];
            var value = column.Property.GetValue(record);
            if (value != null && column.Converter != null) value = column.Converter.ConvertToProvider(value);
            command.Parameters[i].Value = value ?? DBNull.Value;
        }
    }
}

/// <summary>A column and the property its value comes from.</summary>
internal sealed record ColumnBinding(string Name, PropertyInfo Property, ValueConverter? Converter);
