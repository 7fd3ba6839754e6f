using System.IO.Compression;
using Sylvan.Data.Csv;

namespace StratX.Ingestion.Parsing;

/// <summary>Opens CSV files (plain or gzip) for reading by column name.</summary>
internal static class CsvFiles
{
    public static CsvDataReader Open(string path, char delimiter = ',')
    {
        Stream stream = File.OpenRead(path);
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            stream = new GZipStream(stream, CompressionMode.Decompress);
        }

        var text = new StreamReader(stream, detectEncodingFromByteOrderMarks: true);
        return CsvDataReader.Create(text, new CsvDataReaderOptions { Delimiter = delimiter, OwnsReader = true, BufferSize = 1 << 16 });
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
