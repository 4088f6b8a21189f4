class ReportsController < ApplicationController
  def show
    # ruleid: ruby.code-injection
    klass = params[:type].constantize
    # ruleid: ruby.code-injection
    data = klass.public_send(params[:scope])
    # ruleid: ruby.code-injection
    total = eval(params[:formula])
    render json: { data: data, total: total }
  end

  REPORTS = { "sales" => SalesReport, "refunds" => RefundReport }.freeze

  def show_ok
    # ok: ruby.code-injection
    klass = REPORTS.fetch(params[:type])
    # ok: ruby.code-injection
    data = klass.public_send(:summary)
    render json: data
  end
end
