using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;

namespace StratX.Models.Scoring;

/// <summary>
/// Single-row scoring of a trained ML.NET pipeline from many threads. An ML.NET prediction engine is fast
/// (microseconds for a tree ensemble) but not thread-safe, so engines are pooled: a grain borrows one for
/// the duration of a call and returns it.
/// </summary>
public sealed class PooledEngine<TIn, TOut>
    where TIn : class
    where TOut : class, new()
{
    private readonly ObjectPool<PredictionEngine<TIn, TOut>> _pool;

    public PooledEngine(MLContext ml, ITransformer model)
    {
        _pool = new DefaultObjectPool<PredictionEngine<TIn, TOut>>(new EnginePolicy(ml, model), Environment.ProcessorCount * 2);
    }

    public TOut Predict(TIn input)
    {
        var engine = _pool.Get();
        try
        {
            return engine.Predict(input);
        }
        finally
        {
            _pool.Return(engine);
        }
    }

    private sealed class EnginePolicy(MLContext ml, ITransformer model) : PooledObjectPolicy<PredictionEngine<TIn, TOut>>
    {
        public override PredictionEngine<TIn, TOut> Create() => ml.Model.CreatePredictionEngine<TIn, TOut>(model);

        public override bool Return(PredictionEngine<TIn, TOut> obj) => true;
    }
}
