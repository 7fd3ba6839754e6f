using System.IO.Compression;
using StratX.Ingestion.Validation;
using Sylvan.Data.Csv;

namespace StratX.Ingestion.Parsing;

/// <summary>Opens CSV files (plain or gzip) for reading by column name.</summary>
internal static class CsvFiles
{
    /// <param name="file">The name rejections and errors give the file; its file name when null.</param>
    public static CsvDataReader Open(string path, string? file = null, char delimiter = ',')
    {
        Stream stream = File.OpenRead(path);
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            stream = new GZipStream(stream, CompressionMode.Decompress);
        }

        return Open(new StreamReader(stream, detectEncodingFromByteOrderMarks: true), file ?? Path.GetFileName(path), delimiter);
    }

    /// <summary>
    /// Reads CSV text already open (e.g. held in memory); the reader owns and disposes it. A header the CSV
    /// reader cannot split (a broken quote) is an <see cref="InvalidDataException"/> naming the file.
    /// </summary>
    public static CsvDataReader Open(TextReader text, string file, char delimiter = ',')
    {
        try
        {
            return CsvDataReader.Create(text, new CsvDataReaderOptions { Delimiter = delimiter, OwnsReader = true, BufferSize = 1 << 16 });
        }
        catch (FormatException e)
        {
            text.Dispose();
            throw new InvalidDataException($"{file} line 1: the header is not readable CSV ({e.Message}).", e);
        }
    }

    /// <summary>
    /// Moves to the next record. CSV the reader cannot split (a quote closed in mid-field or never closed, a
    /// record longer than the buffer) ends the file: it is rejected on the line after <paramref name="line"/>
    /// (the last record read) and every record before it is kept.
    /// </summary>
    public static bool Read(CsvDataReader reader, string file, long line, IRejectionSink rejections)
    {
        try
        {
            return reader.Read();
        }
        catch (FormatException e)
        {
            rejections.Reject(new InputRejection(file, line + 1, $"the CSV is broken here ({e.Message}); nothing after this point was read"));
            return false;
        }
    }

    /// <summary>The column's position, or a clear error naming the file when the header lacks it.</summary>
    public static int Column(CsvDataReader reader, string name, string file)
    {
        for (var i = 0; i < reader.FieldCount; i++)
        {
            if (reader.GetName(i).Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        throw new InvalidDataException($"{file}: the header has no '{name}' column.");
    }
}
